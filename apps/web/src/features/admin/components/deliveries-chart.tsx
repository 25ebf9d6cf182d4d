import type { AdminOverview } from '@usersync/core/http-contract';
import { deliveryTone } from './status-badge.tsx';

type Tone = ReturnType<typeof deliveryTone>;
const TONES: Array<{ tone: Tone; label: string }> = [
  { tone: 'success', label: 'applied' },
  { tone: 'neutral', label: 'duplicate, stale, ignored' },
  { tone: 'warning', label: 'in progress' },
  { tone: 'danger', label: 'failed or invalid' },
];
const HOUR = 3_600_000;

/**
 * Deliveries per hour over the last 24 h, stacked by outcome. Plain SVG (24 bars need no chart
 * library; docs/decisions/101), with the same figures as a table for screen readers.
 */
export function DeliveriesChart(props: {
  perHour: AdminOverview['deliveries']['last24h']['perHour'];
  now: string;
}) {
  const end = Math.floor(new Date(props.now).getTime() / HOUR) * HOUR;
  const hours = Array.from({ length: 24 }, (_, i) => end - (23 - i) * HOUR);
  const byHour = new Map<number, Record<Tone, number>>(
    hours.map((hour) => [hour, { success: 0, neutral: 0, warning: 0, danger: 0 }]),
  );
  for (const row of props.perHour) {
    const bucket = byHour.get(new Date(row.hour).getTime());
    if (bucket) bucket[deliveryTone(row.status)] += row.count;
  }
  const totals = hours.map((hour) => Object.values(byHour.get(hour)!).reduce((a, b) => a + b, 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((a, b) => a + b, 0);
  const width = 24 * 12;
  const height = 80;

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="chart-svg"
        role="img"
        aria-label={`${total} deliveries in the last 24 hours, most in one hour: ${Math.max(0, ...totals)}`}
        preserveAspectRatio="none"
      >
        {hours.map((hour, i) => {
          let y = height;
          return TONES.map(({ tone }) => {
            const count = byHour.get(hour)![tone];
            const h = (count / max) * (height - 4);
            y -= h;
            return count > 0 ? (
              <rect
                key={`${hour}-${tone}`}
                x={i * 12 + 1}
                y={y}
                width={10}
                height={h}
                className={`chart-bar chart-${tone}`}
              />
            ) : null;
          });
        })}
      </svg>
      <figcaption className="chart-legend">
        {TONES.map(({ tone, label }) => (
          <span key={tone} className="chart-key">
            <span className={`chart-swatch chart-${tone}`} aria-hidden="true" /> {label}
          </span>
        ))}
      </figcaption>
      <table className="visually-hidden">
        <caption>Deliveries per hour</caption>
        <thead>
          <tr>
            <th scope="col">Hour starting</th>
            {TONES.map(({ tone, label }) => (
              <th key={tone} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {hours
            .filter((_, i) => totals[i]! > 0)
            .map((hour) => (
              <tr key={hour}>
                <th scope="row">{new Date(hour).toISOString()}</th>
                {TONES.map(({ tone }) => (
                  <td key={tone}>{byHour.get(hour)![tone]}</td>
                ))}
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}
