// Traffic charts (uPlot, static/vendor/uplot): every element with data-traffic-chart draws the
// series in its data-chart (JSON), times in its data-tz zone. Labels come from
// the page (translated there); a value under the cursor shows in the legend with its unit.
// A series without a label of its own takes data-value-label.
(function () {
  "use strict";
  const UNITS = {
    bps: { step: 1000, names: ["bit/s", "Kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"] },
    bytes: { step: 1024, names: ["B", "KB", "MB", "GB", "TB"] },
    count: { step: 1000, names: ["", "K", "M", "G"] },
  };
  const COLOURS = ["#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#c62828", "#00838f"];

  function scaled(value, unit) {
    if (value == null) return "--";
    const { step, names } = UNITS[unit];
    let i = 0;
    while (Math.abs(value) >= step && i < names.length - 1) {
      value /= step;
      i += 1;
    }
    const shown = (Math.round(value * 100) / 100).toLocaleString(document.documentElement.lang);
    return names[i] ? shown + " " + names[i] : shown;
  }

  function draw(box) {
    const data = JSON.parse(box.dataset.chart);
    const unit = data.unit in UNITS ? data.unit : "bps";
    const zone = box.dataset.tz;
    const series = [{ label: box.dataset.timeLabel }].concat(
      data.series.map((s, i) => ({
        label: s.label || box.dataset.valueLabel,
        stroke: COLOURS[i % COLOURS.length],
        width: 2,
        value: (u, v) => scaled(v, unit),
      }))
    );
    const options = {
      width: box.clientWidth || 800,
      height: 280,
      tzDate: zone ? (ts) => uPlot.tzDate(new Date(ts * 1000), zone) : undefined,
      scales: { x: { time: true } },
      series: series,
      axes: [{}, { size: 90, values: (u, ticks) => ticks.map((v) => scaled(v, unit)) }],
    };
    box.replaceChildren();
    const plot = new uPlot(options, [data.t].concat(data.series.map((s) => s.values)), box);
    box.dataset.drawn = "1";
    new ResizeObserver(() => plot.setSize({ width: box.clientWidth, height: 280 })).observe(box);
  }

  function drawAll(root) {
    root.querySelectorAll("[data-traffic-chart]:not([data-drawn])").forEach(draw);
  }
  drawAll(document);
  // Parts htmx swaps in later (the account's sums once a worker has read them).
  document.addEventListener("htmx:load", (event) => drawAll(event.target));
})();
