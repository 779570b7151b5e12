"""The page served at ``/``: plain HTML, CSS and JavaScript modules, no build step, nothing from elsewhere."""
