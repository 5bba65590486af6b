import yaml from 'js-yaml';
import { SlipwayError } from '../errors.js';
import { loadYaml } from '../yaml.js';

/** A path into a parsed document, e.g. ['steps', 3, 'setWeight']. */
export type NodePath = (string | number)[];

/** One problem found in a plan, at a line of its file. */
export interface PlanProblem {
  /** 1-based; undefined when the document has no such node (a missing field: its parent's line). */
  line?: number;
  path: NodePath;
  message: string;
}

/** A plan that cannot be used; the message lists every problem as `<file> line N: <path>: <what>`. */
export class PlanError extends SlipwayError {
  override readonly name = 'PlanError';
  constructor(
    readonly source: string,
    readonly problems: PlanProblem[],
  ) {
    super(problems.map((p) => formatProblem(source, p)).join('\n'));
  }
}

/** `plan.yml line 12: steps[3].setWeight: 150 is not a percentage (0–100)` */
export function formatProblem(source: string, problem: PlanProblem): string {
  const where = problem.line === undefined ? source : `${source} line ${problem.line}`;
  const path = formatPath(problem.path);
  return `${where}: ${path ? `${path}: ` : ''}${problem.message}`;
}

/** `steps[3].setWeight` for ['steps', 3, 'setWeight']. */
export function formatPath(path: NodePath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** A parsed YAML document that still knows the line of every key and sequence item. */
export interface LocatedDocument {
  value: unknown;
  /** The 1-based line of the node at `path` (its key's line), or of its nearest existing ancestor. */
  lineOf(path: NodePath): number | undefined;
}

interface Frame {
  line: number;
  children: Frame[];
}

/**
 * Parses YAML keeping each node's line. js-yaml reports an `open` event (with the line where the
 * node starts) and a `close` event (with the node's value) for every key and value it composes;
 * a mapping's children arrive as key, value, key, value, so the keys' lines can be attached to the
 * finished object. Syntax errors become a PlanError with js-yaml's line.
 */
export function parseLocatedYaml(text: string, source: string): LocatedDocument {
  const lines = new WeakMap<object, Map<string | number, number>>();
  const stack: Frame[] = [{ line: 0, children: [] }];
  let value: unknown;
  try {
    value = loadYaml(text, {
      filename: source,
      listener(event, state) {
        if (event === 'open') {
          stack.push({ line: state.line + 1, children: [] });
          return;
        }
        const frame = stack.pop()!;
        const result: unknown = state.result;
        if (result !== null && typeof result === 'object' && !lines.has(result)) {
          const located = new Map<string | number, number>();
          if (Array.isArray(result)) {
            frame.children.forEach((child, index) => located.set(index, child.line));
          } else {
            const keys = Object.keys(result);
            // Keys and values alternate; pair the i-th key frame with the i-th key of the object.
            for (let i = 0; i * 2 < frame.children.length && i < keys.length; i++) located.set(keys[i], frame.children[i * 2].line);
          }
          lines.set(result, located);
        }
        stack[stack.length - 1].children.push(frame);
      },
    });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      throw new PlanError(source, [{ line: error.mark ? error.mark.line + 1 : undefined, path: [], message: `not valid YAML: ${error.reason}` }]);
    }
    throw error;
  }
  return {
    value,
    lineOf(path) {
      let node: unknown = value;
      let line: number | undefined = 1;
      for (const key of path) {
        if (node === null || typeof node !== 'object') break;
        const found = lines.get(node)?.get(key);
        if (found === undefined) break;
        line = found;
        node = (node as Record<string | number, unknown>)[key];
      }
      return line;
    },
  };
}
