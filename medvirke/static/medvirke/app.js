// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen readers announce what went wrong.
  const summary = document.querySelector("[data-autofocus]");
  if (summary) summary.focus();
  // The organisation switcher submits on change; its button stays for keyboard and no-JS use.
  const switcher = document.getElementById("mv-org-switch");
  if (switcher) switcher.addEventListener("change", () => switcher.form.requestSubmit());
});
