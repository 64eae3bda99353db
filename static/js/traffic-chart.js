// Traffic charts (uPlot, static/vendor/uplot): every element with data-traffic-chart draws the
// series of the JSON script named by its data-series, times in its data-tz zone. Labels come from
// the page (translated there); a value under the cursor shows in the legend with its unit.
(function () {
  "use strict";
  const UNITS = {
    bps: { step: 1000, names: ["bit/s", "Kbit/s", "Mbit/s", "Gbit/s", "Tbit/s"] },
    bytes: { step: 1024, names: ["B", "KB", "MB", "GB", "TB"] },
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
    return (Math.round(value * 100) / 100).toLocaleString(document.documentElement.lang) + " " + names[i];
  }

  function draw(box) {
    const data = JSON.parse(document.getElementById(box.dataset.series).textContent);
    const unit = data.unit in UNITS ? data.unit : "bps";
    const zone = box.dataset.tz;
    const labels = JSON.parse(box.dataset.labels || "[]");
    const series = [{ label: box.dataset.timeLabel }].concat(
      data.series.map((s, i) => ({
        label: s.label || labels[i] || box.dataset.valueLabel,
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

  document.querySelectorAll("[data-traffic-chart]").forEach(draw);
})();
