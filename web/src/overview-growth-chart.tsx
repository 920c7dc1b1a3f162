import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartConfiguration } from 'chart.js';
import { useEffect, useRef } from 'react';
import type { GrowthReport } from './analytics-api';
import { formatCount, formatDay, formatNet } from './overview-format';

// Only what this chart draws is registered, so the bundle carries only these parts of Chart.js.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Tooltip, Legend);

const GREEN = '#1f8f4e';
const RED = '#b42318';
const INK = '#1d2939';

type Kind = 'bar' | 'line';

/** Opt-ins above the axis, opt-outs below it, and the net as a line, per day. */
function config(days: GrowthReport['days']): ChartConfiguration<Kind, number[], string> {
  return {
    type: 'bar',
    data: {
      labels: days.map((d) => formatDay(d.date)),
      datasets: [
        { type: 'line', label: 'Net', data: days.map((d) => d.net), borderColor: INK, backgroundColor: INK, borderWidth: 2, pointRadius: days.length > 40 ? 0 : 2, order: 0 },
        { type: 'bar', label: 'Opt-ins', data: days.map((d) => d.opt_ins), backgroundColor: GREEN, stack: 'flow', order: 1 },
        // Drawn below zero so the two flows read apart; the tooltip says the count without its sign.
        { type: 'bar', label: 'Opt-outs', data: days.map((d) => -d.opt_outs), backgroundColor: RED, stack: 'flow', order: 1 },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true, grid: { display: false }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { stacked: true, ticks: { precision: 0, callback: (v) => formatCount(Math.abs(Number(v))) } },
      },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: {
          callbacks: {
            label: (c) => (c.dataset.label === 'Net' ? `Net: ${formatNet(c.parsed.y ?? 0)}` : `${c.dataset.label ?? ''}: ${formatCount(Math.abs(c.parsed.y ?? 0))}`),
          },
        },
      },
    },
  };
}

/** The growth chart (a canvas); the table under it carries the same figures for screen readers. */
export function GrowthChart({ report }: { report: GrowthReport }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config(report.days));
    return () => chart.destroy();
  }, [report]);
  const t = report.totals;
  return (
    <div className="chart-box">
      <canvas
        ref={canvas}
        role="img"
        data-testid="growth-canvas"
        aria-label={`Opt-ins and opt-outs per day from ${report.from} to ${report.to}: ${formatCount(t.opt_ins)} opt-ins, ${formatCount(t.opt_outs)} opt-outs, net ${formatNet(t.net)}. The table below has the figures.`}
      />
    </div>
  );
}
