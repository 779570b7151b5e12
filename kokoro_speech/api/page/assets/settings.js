// What the server wrote into the page about itself (so the page needs no request to learn it), and the API key.

export const settings = Object.freeze(JSON.parse(document.getElementById("server-settings").textContent));

const KEY_NAME = "kokoro-speech:api-key";
// Where local storage is refused (some private modes), the key lives for this visit only.
let keyInMemory = "";

export function storedKey() {
  try {
    return localStorage.getItem(KEY_NAME) ?? "";
  } catch {
    return keyInMemory;
  }
}

export function storeKey(key) {
  keyInMemory = key;
  try {
    if (key) localStorage.setItem(KEY_NAME, key);
    else localStorage.removeItem(KEY_NAME);
  } catch {
    // kept in memory above
  }
}
