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
export const extraRoutes: ExtraRoute[] = [];
