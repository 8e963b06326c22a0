import { createInterface } from 'node:readline';
import type { Terminal } from './io';

/** Asks one question on the terminal; `hidden` does not echo what is typed (passwords). */
export function ask(
  terminal: Terminal,
  question: string,
  options: { hidden?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: terminal.stdin, output: terminal.stdout, terminal: terminal.isTTY });
    if (options.hidden) {
      // readline echoes through _writeToOutput; after the prompt itself, echo nothing.
      const internal = rl as unknown as { _writeToOutput: (s: string) => void };
      internal._writeToOutput = (s: string) => {
        if (s.startsWith(question)) terminal.stdout.write(s);
        else if (s.includes('\n') || s.includes('\r')) terminal.stdout.write('\n');
      };
    }
    let answered = false;
    rl.on('close', () => {
      if (!answered) reject(new Error('input closed'));
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer.trim());
    });
  });
}

/** Reads stdin to its end (for --password-stdin). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let data = '';
  for await (const chunk of stream) data += chunk.toString();
  return data;
}
