// Checklist plan page: a button that marks every item ○ (the seed marks all 48 so). Progressive:
// the button stays hidden without JavaScript, and the form works without it.
(function () {
  document.querySelectorAll("[data-check-all]").forEach(function (button) {
    var value = button.dataset.checkAll;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.form.querySelectorAll('input[type="radio"][value="' + value + '"]').forEach(function (radio) {
        radio.checked = true;
      });
    });
  });
})();
