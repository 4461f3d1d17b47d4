// The switch test's live list: each press from /switch/events (server-sent events) as a row.
// The figures and suggestions are made by the server; this only shows presses as they come.
(function () {
  "use strict";
  var table = document.querySelector("#presses tbody");
  if (!table || !window.EventSource) return;
  var status = document.getElementById("live-status");
  var highlighted = document.getElementById("now-highlighted");
  var switchState = document.getElementById("switch-state");
  var update = document.getElementById("update-figures");
  var SHOWN = 50;

  function seconds(value) {
    return value === null || value === undefined ? "\u2013" : value.toFixed(2) + " s";
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function counted(seen, needed) {
    return seen + (seen === 1 ? " press seen" : " presses seen") + (seen < needed ? ": suggestions after " + needed : "") + ".";
  }

  var source = new EventSource("/switch/events");
  source.addEventListener("ready", function (event) {
    var data = JSON.parse(event.data);
    status.textContent = counted(data.seen, data.needed);
  });
  source.addEventListener("highlight", function (event) {
    highlighted.textContent = JSON.parse(event.data).label || "\u2013";
  });
  source.addEventListener("down", function () {
    switchState.textContent = "down";
  });
  source.addEventListener("press", function (event) {
    var press = JSON.parse(event.data);
    switchState.textContent = "up";
    var row = document.createElement("tr");
    cell(row, String(press.number));
    cell(row, press.item || "\u2013");
    cell(row, seconds(press.reaction));
    cell(row, seconds(press.after_cue));
    cell(row, seconds(press.hold) + (press.long ? " (long)" : ""));
    cell(row, press.counted);
    table.insertBefore(row, table.firstChild);
    while (table.rows.length > SHOWN) table.deleteRow(table.rows.length - 1);
    status.textContent = counted(press.seen, press.needed);
    // A new query, so that following the link loads the page again rather than only scrolling.
    update.querySelector("a").href = "/switch?seen=" + press.seen + "#figures";
    update.hidden = false;
  });
  source.addEventListener("error", function () {
    // EventSource tries again by itself (every 3 s: the stream's `retry`).
    status.textContent = "Lost touch with the companion; trying again\u2026";
  });
})();
