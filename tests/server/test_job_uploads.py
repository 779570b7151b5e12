"""Jobs on the embedded default (no Redis: the server's own workers make them from a SQLite queue), as a
first-time user meets them: a Markdown file uploaded with the form's fields, the book and one chapter fetched, and
every kind of bad input answered with a 4xx in OpenAI's shape."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import httpx
import pytest

from tests.support import Server
from tests.support.audio import duration
from tests.support.jobs import CHAPTERS, chapters_of, submit, wait_until

SHORT_BOOK = "".join(f"# {title}\n\n{text.split(chr(10))[0]}\n\n" for title, text in list(CHAPTERS.items())[:2])


def test_an_uploaded_markdown_book_is_made_by_the_servers_own_workers(two_workers: Server, tmp_path: Path) -> None:
    url = two_workers.url
    response = httpx.post(
        f"{url}/v1/audio/jobs",
        files={"file": ("harbour.md", SHORT_BOOK.encode(), "text/markdown")},
        data={"model": "tts-1", "voice": "bf_emma", "response_format": "opus", "input_format": "markdown"},
        timeout=60,
    )
    assert response.status_code == 202, response.text
    job = response.json()
    assert job["voice"] == "bf_emma" and job["response_format"] == "opus"
    done = wait_until(url, job["id"], lambda s: s["status"] == "completed", "the uploaded job completed")
    titles = list(CHAPTERS)[:2]
    assert [c["title"] for c in done["chapters"]] == titles

    book = tmp_path / "book.opus"
    book.write_bytes(httpx.get(f"{url}/v1/audio/jobs/{job['id']}/content", timeout=60).content)
    file_format, *marks = chapters_of(book)
    assert [m["tags"]["title"] for m in marks] == titles
    assert abs(float(file_format["duration"]) - done["duration"]) < 0.1

    # One chapter alone: as long as the job says, decoded.
    chapter = httpx.get(f"{url}/v1/audio/jobs/{job['id']}/content", params={"chapter": 1}, timeout=60)
    assert chapter.status_code == 200 and chapter.headers["content-type"] == "audio/ogg"
    seconds = duration(chapter.content, "opus")
    assert abs(seconds - done["chapters"][1]["duration"]) < 0.1
    srt = httpx.get(f"{url}/v1/audio/jobs/{job['id']}/captions", params={"format": "srt"}, timeout=30)
    assert srt.status_code == 200 and srt.text.startswith("1\n00:00:00")
    assert job["id"] in {j["id"] for j in httpx.get(f"{url}/v1/audio/jobs", timeout=30).json()["data"]}


def _broken_epub() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        book.writestr("mimetype", "application/epub+zip")  # and no container, no package
    return out.getvalue()


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        ({"input": "   "}, 400, "input"),
        ({"input": "a" * 1_000_001}, 400, "input"),
        ({"input": "Hello.", "response_format": "aac"}, 400, "response_format"),
        ({"input": "Hello.", "input_format": "latex"}, 400, "input_format"),
        ({"input": "Hello.", "voice": "nobody"}, 400, "voice"),
        ({"input": "Hello.", "model": "tts-9"}, 404, "model"),
        ({"input": "Hello.", "speed": 9}, 400, None),
        ({"voice": "af_heart"}, 400, "input"),
        ({"input": "Hello.", "title": 5}, 400, "title"),
    ],
)
def test_bad_job_requests_are_refused_in_openais_shape(
    two_workers: Server, body: dict[str, object], status: int, param: str | None
) -> None:
    response = httpx.post(f"{two_workers.url}/v1/audio/jobs", json=body, timeout=60)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["message"] and (param is None or error["param"] == param)


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("setup.exe", b"MZ\x90\x00\x03", 415),
        ("book.epub", b"not a zip at all", 400),
        ("book.epub", _broken_epub(), 400),
        ("notes.txt", b"\xff\xfe\x00binary", 400),
        ("empty.md", b"", 400),
    ],
)
def test_unreadable_or_unsupported_uploads_are_refused(
    two_workers: Server, name: str, data: bytes, status: int
) -> None:
    response = httpx.post(f"{two_workers.url}/v1/audio/jobs", files={"file": (name, data)}, timeout=60)
    assert response.status_code == status, response.text
    assert response.json()["error"]["param"] == "file"


def test_a_book_sized_json_body_is_taken_and_the_other_answers_refuse_what_is_not_there(two_workers: Server) -> None:
    url = two_workers.url
    # Far past the speech route's 64 KiB body limit: a job's body is a book.
    job = submit(url, input="The tide came in and went out again. " * 3000)
    assert job["input_chars"] > 100_000
    early = httpx.get(f"{url}/v1/audio/jobs/{job['id']}/content", timeout=30)
    assert early.status_code == 409
    assert httpx.get(f"{url}/v1/audio/jobs/{job['id']}/content", params={"chapter": 5}, timeout=30).status_code == 400
    assert httpx.delete(f"{url}/v1/audio/jobs/{job['id']}", timeout=30).json()["status"] == "cancelled"
    assert httpx.get(f"{url}/v1/audio/jobs/job_0000", timeout=30).status_code == 404
    assert httpx.get(f"{url}/v1/audio/jobs/job_..%2F..%2Fetc", timeout=30).status_code == 404
    wrong_type = httpx.post(f"{url}/v1/audio/jobs", content=b"Hello", headers={"content-type": "text/plain"})
    assert wrong_type.status_code == 415
    no_file = httpx.post(f"{url}/v1/audio/jobs", data={"voice": "af_heart"}, files={"other": ("a.txt", b"x")})
    assert no_file.status_code == 400 and no_file.json()["error"]["param"] in ("file", "other")
    # A field sent as a file part, where its text belongs.
    speed_file = httpx.post(
        f"{url}/v1/audio/jobs", files={"file": ("a.txt", b"Hello."), "speed": ("speed.txt", b"1.0")}, timeout=30
    )
    assert speed_file.status_code == 400 and speed_file.json()["error"]["param"] == "speed"
    # Every method of a path, as OPTIONS lists them (Litestar 2 once listed one handler's alone).
    assert httpx.options(f"{url}/v1/audio/jobs").headers["allow"] == "GET, OPTIONS, POST"
    assert httpx.options(f"{url}/v1/audio/jobs/{job['id']}").headers["allow"] == "DELETE, GET, OPTIONS"
