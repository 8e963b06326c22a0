import type { AppContext } from '../../context';
import { AppError } from '../../infra/errors';
import { type CommandSpec, service } from '../command';
import { EXIT, notAvailable, usageError } from '../errors';

interface ScannerService {
  runOnce(): Promise<unknown>;
}

/** One scan: fetch odds (or the demo market), price them, publish the hits; prints the summary. */
export const scan: CommandSpec = {
  name: 'scan',
  scope: 'app',
  async run(ctx, args, io) {
    if (!args.once) throw usageError('scan: only --once is supported (the server scans continuously)');
    const scanner = service<ScannerService>(ctx, 'scanner');
    if (!scanner?.runOnce) throw notAvailable('the scanner');
    const summary = await scanner.runOnce();
    if (summary && typeof summary === 'object') {
      for (const [k, v] of Object.entries(summary as Record<string, unknown>)) {
        io.out(`${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
      }
    } else io.out(String(summary ?? 'scan done'));
    return EXIT.OK;
  },
};

/** The hits export of modules/ev: the same filters and formats as GET /api/ev/export. */
interface HitsExporter {
  export(options: {
    format: 'csv' | 'json';
    filters: Record<string, string>;
  }): Promise<string | Buffer | AsyncIterable<string | Buffer>>;
}

export const HIT_FILTERS = [
  'sport',
  'market',
  'book',
  'min_ev',
  'max_ev',
  'min_odds',
  'max_odds',
  'starts_within',
  'status',
  'include_suspect',
  'q',
  'sort',
  'from',
  'to',
  'odds_format',
] as const;

function exporter(ctx: AppContext): HitsExporter | undefined {
  const hits = service<Partial<HitsExporter>>(ctx, 'hits');
  if (hits?.export) return hits as HitsExporter;
  return undefined;
}

export const exportHits: CommandSpec = {
  name: 'export-hits',
  scope: 'app',
  async run(ctx, args, io) {
    const format = String(args.format ?? 'csv');
    if (format !== 'csv' && format !== 'json') throw usageError('--format must be csv or json');
    const hits = exporter(ctx);
    if (!hits) throw notAvailable('export-hits');
    const filters: Record<string, string> = {};
    for (const name of HIT_FILTERS) {
      const v = (args.filters as Record<string, unknown> | undefined)?.[name];
      if (v !== undefined && v !== null && v !== '') filters[name] = String(v);
    }
    // A bad filter (--min-ev abc) is the API's 400: a usage error here, naming the field.
    const result = await hits.export({ format, filters }).catch((err: unknown) => {
      if (err instanceof AppError && err.statusCode === 400) {
        const fields = Array.isArray(err.details)
          ? (err.details as Array<{ field?: string; message?: string }>).map(
              (d) => `${d.field}: ${d.message}`,
            )
          : [];
        throw usageError([err.message, ...fields].join('; '));
      }
      throw err;
    });
    let data: Buffer;
    if (typeof result === 'string' || Buffer.isBuffer(result)) data = Buffer.from(result);
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of result) chunks.push(Buffer.from(chunk));
      data = Buffer.concat(chunks);
    }
    if (args.output) {
      io.writeFile(String(args.output), data);
      io.out(`Wrote ${data.length} bytes to ${args.output}`);
    } else io.out(data.toString('utf8').replace(/\n$/, ''));
    return EXIT.OK;
  },
};
