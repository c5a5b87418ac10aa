// 措施台账: "select all on this page" and a count of the ticked rows. The page works without it.
(function () {
  "use strict";
  var form = document.getElementById("bulk-form");
  if (!form) { return; }
  var all = form.querySelector("input.select-all");
  var count = document.getElementById("bulk-count");
  function rows() { return form.querySelectorAll("input.row-select"); }
  function update() {
    var ticked = form.querySelectorAll("input.row-select:checked").length;
    if (count) {
      count.textContent = ticked ? "已勾选 " + ticked + " 条措施，批量：" : "勾选下表中的措施后，可批量：";
    }
    if (all) {
      var total = rows().length;
      all.checked = total > 0 && ticked === total;
      all.indeterminate = ticked > 0 && ticked < total;
    }
  }
  if (all) {
    all.addEventListener("change", function () {
      rows().forEach(function (box) { box.checked = all.checked; });
      update();
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.classList.contains("row-select")) { update(); }
  });
  update();
})();
