import type { ComponentType } from 'react';

/** A page registered by its own folder; the router lazy-loads it and guards it by `auth`. */
export type ExtraRoute = {
  path: string;
  load: () => Promise<{ default: ComponentType }>;
  auth: 'public' | 'user' | 'admin';
  /** Shown in the nav bar when present, entries sorted by `order`. */
  nav?: { label: string; order: number };
};

/** Every page's route in one list; helpers append entries (the coordinator unions them on merge). */
export const extraRoutes: ExtraRoute[] = [
  {
    path: '/',
    load: () => import('../pages/board/BoardPage'),
    auth: 'user',
    nav: { label: 'Board', order: 10 },
  },
  { path: '/hits/:id', load: () => import('../pages/hit/HitPage'), auth: 'user' },
  {
    path: '/settings',
    load: () => import('../pages/settings/SettingsPage'),
    auth: 'user',
    nav: { label: 'Settings', order: 90 },
  },
  {
    path: '/summary',
    load: () => import('../pages/summary/SummaryPage'),
    auth: 'user',
    nav: { label: 'Summary', order: 15 },
  },
  {
    path: '/odds',
    load: () => import('../pages/odds/OddsPage'),
    auth: 'user',
    nav: { label: 'Odds', order: 20 },
  },
  { path: '/odds/:sport/:eventId', load: () => import('../pages/event/EventPage'), auth: 'user' },
  {
    path: '/upcoming',
    load: () => import('../pages/upcoming/UpcomingPage'),
    auth: 'public',
    nav: { label: 'Upcoming', order: 40 },
  },
  {
    path: '/calculators',
    load: () => import('../pages/calculators/CalculatorsPage'),
    auth: 'public',
    nav: { label: 'Calculators', order: 60 },
  },
  { path: '/login', load: () => import('../pages/login/LoginPage'), auth: 'public' },
  { path: '/register', load: () => import('../pages/register/RegisterPage'), auth: 'public' },
];
