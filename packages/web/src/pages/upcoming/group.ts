import type { PublicUpcomingEvent } from '@evision/contract';

export interface DayGroup {
  /** YYYY-MM-DD in the viewer's time zone (sort key). */
  key: string;
  label: string;
  events: PublicUpcomingEvent[];
}

export interface SportGroup {
  sport_key: string;
  sport_title: string;
  days: DayGroup[];
}

const dayKeyFormats = new Map<string, Intl.DateTimeFormat>();
function dayKeyFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dayKeyFormats.get(timeZone);
  if (!f) {
    // en-CA formats a date as YYYY-MM-DD.
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayKeyFormats.set(timeZone, f);
  }
  return f;
}

/** The calendar day of `iso` in `timeZone`, as YYYY-MM-DD. */
export function dayKey(iso: string, timeZone: string): string {
  return dayKeyFormat(timeZone).format(new Date(iso));
}

/** "Today", "Tomorrow" or "Wed 9 Dec" for a day key, relative to `now` in `timeZone`. */
export function dayLabel(key: string, timeZone: string, now: Date = new Date()): string {
  const today = dayKey(now.toISOString(), timeZone);
  const tomorrow = dayKey(new Date(now.getTime() + 86_400_000).toISOString(), timeZone);
  if (key === today) return 'Today';
  if (key === tomorrow) return 'Tomorrow';
  // Noon UTC of that date names the same calendar day in every zone within ±12 h.
  return new Intl.DateTimeFormat(undefined, {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  }).format(new Date(`${key}T12:00:00Z`));
}

/** Events grouped by sport (alphabetical by title), then by day in the viewer's zone, each sorted by start. */
export function groupUpcoming(events: PublicUpcomingEvent[], timeZone: string, now?: Date): SportGroup[] {
  const sports = new Map<string, { title: string; days: Map<string, PublicUpcomingEvent[]> }>();
  const sorted = [...events].sort((a, b) => a.commence_time.localeCompare(b.commence_time));
  for (const e of sorted) {
    if (Number.isNaN(new Date(e.commence_time).getTime())) continue;
    let s = sports.get(e.sport_key);
    if (!s) {
      s = { title: e.sport_title || e.sport_key, days: new Map() };
      sports.set(e.sport_key, s);
    }
    const k = dayKey(e.commence_time, timeZone);
    const list = s.days.get(k) ?? [];
    list.push(e);
    s.days.set(k, list);
  }
  return [...sports.entries()]
    .map(([sport_key, s]) => ({
      sport_key,
      sport_title: s.title,
      days: [...s.days.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, list]) => ({ key, label: dayLabel(key, timeZone, now), events: list })),
    }))
    .sort((a, b) => a.sport_title.localeCompare(b.sport_title));
}
