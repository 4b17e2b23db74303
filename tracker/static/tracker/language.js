// Choosing a language submits its form at once (a static file: the CSP allows no inline script).
document.querySelectorAll("form.language select").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
