import type { CommandSpec } from '../command';

export const serve: CommandSpec = {
  name: 'serve',
  scope: 'local',
  async run(_args, _io, env) {
    const { runServer } = await import('../../server');
    return runServer(env);
  },
};
