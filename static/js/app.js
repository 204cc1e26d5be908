// Served by the app (no inline scripts: the Content-Security-Policy forbids them).
// Buttons with data-confirm ask before submitting their form.
document.addEventListener("submit", function (event) {
  var button = event.submitter;
  var message = (button && button.dataset.confirm) || event.target.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// A form that came back with errors: the error summary at its top takes the focus, so the person (and a
// screen reader) starts from the list of what to fix, and the page title says so. A link in the summary
// puts the cursor in its field and shows the field's label or legend too, not just the input.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) {
    return;
  }
  var prefix = document.documentElement.dataset.errorTitle;
  if (prefix && document.title.indexOf(prefix) !== 0) {
    document.title = prefix + document.title;
  }
  summary.focus();
  document.querySelectorAll("[data-error-summary] a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) {
        return;
      }
      event.preventDefault();
      var box = input.closest("fieldset") || input.closest(".field") || input.closest("td") || input;
      box.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  });
});
