import { runServer } from './server';

// Entry point of `npm start`: everything lives in runServer, shared with `evision serve`.
const code = await runServer(process.env);
process.exit(code);
