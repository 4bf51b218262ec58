/**
 * Spend against budget over time, drawn as inline SVG (no chart library: one step line and one
 * budget line). The series is the project's `cost.updated` events, each carrying the running total
 * and the budget, so it is exact and needs no extra API. "Zoom to spend" rescales the y axis to the
 * spend when it is a sliver of the budget. Screen readers get the summary as the figure's caption.
 */
import { useState } from 'preact/hooks';
import { time, usd } from '../format.js';
import type { SpendPoint } from '../live/project-timeline.js';

const WIDTH = 480;
const HEIGHT = 200;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };

export function SpendChart({ points, budgetUsd, spentUsd }: { points: readonly SpendPoint[]; budgetUsd?: number; spentUsd?: number }) {
  const [zoom, setZoom] = useState(false);
  const last = points.at(-1);
  const budget = last?.budgetUsd ?? budgetUsd ?? 0;
  const spent = last?.spentUsd ?? spentUsd ?? 0;
  const caption = `Spent ${usd(spent)} of ${usd(budget)} budget${points.length > 0 ? ` over ${points.length} charges` : ''}.`;

  const maxSpent = Math.max(0, ...points.map((p) => p.spentUsd));
  const top = zoom && maxSpent > 0 ? maxSpent * 1.1 : Math.max(budget, maxSpent) || 1;
  const first = points[0]?.at ?? 0;
  const span = Math.max(1, (last?.at ?? first) - first);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (at: number) => PAD.left + ((at - first) / span) * innerW;
  const y = (usdAmount: number) => PAD.top + innerH - (Math.min(usdAmount, top) / top) * innerH;

  // A step line: the total holds until the next charge.
  let path = '';
  points.forEach((p, i) => {
    const previous = points[i - 1];
    path += i === 0 ? `M${x(p.at)},${y(0)} L${x(p.at)},${y(p.spentUsd)}` : ` L${x(p.at)},${y(previous?.spentUsd ?? 0)} L${x(p.at)},${y(p.spentUsd)}`;
  });
  const budgetY = y(budget);
  const budgetVisible = budget <= top;

  return (
    <section class="card" aria-labelledby="spend-title">
      <h2 id="spend-title">Spend</h2>
      <figure class="chart">
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby="spend-caption" focusable="false">
          <line class="axis" x1={PAD.left} y1={PAD.top + innerH} x2={WIDTH - PAD.right} y2={PAD.top + innerH} />
          <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={PAD.top + innerH} />
          <text class="tick" x={PAD.left - 6} y={PAD.top + innerH} text-anchor="end" dominant-baseline="middle">
            {usd(0)}
          </text>
          <text class="tick" x={PAD.left - 6} y={PAD.top} text-anchor="end" dominant-baseline="middle">
            {usd(top)}
          </text>
          {budgetVisible && <line class="budget" x1={PAD.left} y1={budgetY} x2={WIDTH - PAD.right} y2={budgetY} />}
          {path && <path class="spent" d={path} />}
          {points.length > 0 && (
            <>
              <text class="tick" x={PAD.left} y={HEIGHT - 8}>
                {time(first)}
              </text>
              <text class="tick" x={WIDTH - PAD.right} y={HEIGHT - 8} text-anchor="end">
                {time(last?.at ?? first)}
              </text>
            </>
          )}
        </svg>
        <figcaption id="spend-caption">
          {caption} <span class="legend-spent">Solid: spent</span>
          {budgetVisible && <span class="legend-budget">, dashed: budget</span>}.
        </figcaption>
      </figure>
      <label class="inline">
        <input type="checkbox" checked={zoom} onChange={(e) => setZoom(e.currentTarget.checked)} /> Zoom to spend
      </label>
    </section>
  );
}
