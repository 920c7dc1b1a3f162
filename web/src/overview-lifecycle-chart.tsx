import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { LifecycleReport } from './lifecycle-api';
import { STAGE_LOOK } from './overview-lifecycle-stages';
import { formatCount, formatDay } from './overview-format';

// Only what this chart draws is registered, so the bundle carries only these parts of Chart.js.
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

/** One stacked bar per day, a segment per stage; a day without a count stays empty. */
function config(r: LifecycleReport): ChartConfiguration<'bar', (number | null)[], string> {
  return {
    type: 'bar',
    data: {
      labels: r.days.map((d) => formatDay(d.date)),
      datasets: r.stages.map((s) => ({ label: STAGE_LOOK[s].label, data: r.days.map((d) => (d.counts ? d.counts[s] : null)), backgroundColor: STAGE_LOOK[s].color, stack: 'stages' })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { stacked: true, ticks: { precision: 0, callback: (v) => formatCount(Number(v)) } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: { filter: (item) => (item.parsed.y ?? 0) > 0 },
      },
    },
  };
}

/** The stage distribution chart (a canvas); the table beside it carries the latest day's figures for screen readers. */
export function LifecycleChart({ report }: { report: LifecycleReport }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config(report));
    return () => chart.destroy();
  }, [report]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" data-testid="lifecycle-canvas" aria-label={`Contacts per lifecycle stage per day from ${report.from} to ${report.to}. The table below has the latest day's figures.`} />
    </div>
  );
}
