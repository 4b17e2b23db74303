// A refused form comes back with a summary of its errors: focus goes there, so that a
// screen reader announces it and the keyboard starts from its links to the fields. Again once
// the page has loaded: a browser scrolling to the address's #fragment takes the focus back.
const summary = document.getElementById("error-summary");
summary?.focus();
window.addEventListener("load", () => summary?.focus());
