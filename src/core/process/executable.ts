import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of `program` in the first directory of `searchPath` (a PATH value) that holds it executable. */
export function findExecutable(program: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
