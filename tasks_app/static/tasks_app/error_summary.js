// A refused form comes back with a summary of its errors: focus goes there, so that a
// screen reader announces it and the keyboard starts from its links to the fields.
document.getElementById("error-summary")?.focus();
