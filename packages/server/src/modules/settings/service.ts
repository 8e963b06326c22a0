import { EngineSettings as EngineSettingsSchema } from '@evision/contract';
import { eq } from 'drizzle-orm';
import type { Config, EngineSettings } from '../../config';
import type { AuditChain } from '../../infra/audit/chain';
import type { Db } from '../../infra/db/client';
import { appSettings } from '../../infra/db/schema';
import { type Actor, auditActor } from '../users/service';

const ENGINE_KEY = 'engine';

export type EngineSettingsListener = (settings: EngineSettings) => void | Promise<void>;

/**
 * Engine settings: the environment gives the defaults, an admin's saved row wins. Read from the
 * database on every call so that instances sharing it agree; listeners in this process hear
 * about saves at once (the scanner re-applies them).
 */
export class SettingsService {
  private readonly listeners = new Set<EngineSettingsListener>();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly audit: AuditChain,
    private readonly now: () => number,
  ) {}

  defaults(): EngineSettings {
    return structuredClone(this.config.engine);
  }

  /** The saved row as stored (null when an admin never saved one). */
  async savedEngineSettings(): Promise<Partial<EngineSettings> | null> {
    const [row] = await this.db.select().from(appSettings).where(eq(appSettings.key, ENGINE_KEY)).limit(1);
    return row ? (row.value as Partial<EngineSettings>) : null;
  }

  async getEngineSettings(): Promise<EngineSettings> {
    const saved = await this.savedEngineSettings();
    const merged = { ...this.defaults(), ...(saved ?? {}) };
    // A saved row from an older version that no longer validates falls back to the defaults.
    return EngineSettingsSchema.safeParse(merged).success ? merged : this.defaults();
  }

  async saveEngineSettings(settings: EngineSettings, actor: Actor): Promise<EngineSettings> {
    const parsed = EngineSettingsSchema.parse(settings) as EngineSettings;
    const before = await this.getEngineSettings();
    const at = new Date(this.now());
    await this.db
      .insert(appSettings)
      .values({ key: ENGINE_KEY, value: parsed, updatedAt: at, updatedBy: actor.id ?? null })
      .onConflictDoUpdate({
        target: appSettings.key,
        set: { value: parsed, updatedAt: at, updatedBy: actor.id ?? null },
      });
    const changed = Object.keys(parsed).filter(
      (k) =>
        JSON.stringify(parsed[k as keyof EngineSettings]) !==
        JSON.stringify(before[k as keyof EngineSettings]),
    );
    await this.audit.append({
      type: 'ADMIN_ACTION',
      message: `engine settings saved by ${actor.username ?? 'system'} (changed: ${changed.join(', ') || 'nothing'})`,
      ...auditActor(actor),
      details: { action: 'settings_update', changed, settings: parsed },
    });
    for (const listener of this.listeners) {
      try {
        await listener(parsed);
      } catch {
        // A failing listener must not undo a save that is already committed.
      }
    }
    return parsed;
  }

  /** Subscribes to saves; returns the unsubscribe function. */
  onChange(listener: EngineSettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
