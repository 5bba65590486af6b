import yaml from 'js-yaml';

// The one YAML loader for text a user or a pull request wrote (plans, `router`, `metrics`).
// js-yaml resolves an alias to the same object, so loading a 450-byte alias bomb is cheap — the
// harm comes later, when validation or a message walks the value and visits every alias again
// (billions of nodes). The expanded size is counted once here, with each shared node counted at
// its full size but computed only once, and a value that expands past the limit is refused.

/** Longest YAML text accepted: far above any plan, far below what could hurt. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** Most nodes a document may expand to, aliases counted in full. */
export const MAX_YAML_NODES = 100_000;

/** Options passed on to js-yaml (a line listener, a file name for its messages). */
export type YamlLoadOptions = Pick<yaml.LoadOptions, 'filename' | 'listener'>;

/**
 * Parses one YAML document. Throws js-yaml's YAMLException for a syntax error, and for text over
 * MAX_YAML_BYTES, a recursive alias, or aliases expanding past MAX_YAML_NODES — each caller turns
 * it into its own error naming the input.
 */
export function loadYaml(text: string, options: YamlLoadOptions = {}): unknown {
  if (Buffer.byteLength(text) > MAX_YAML_BYTES) {
    throw new yaml.YAMLException(`the text is ${Buffer.byteLength(text)} bytes, more than the ${MAX_YAML_BYTES} accepted`);
  }
  const value = yaml.load(text, options);
  expandedSize(value, new Map(), new Set());
  return value;
}

function expandedSize(value: unknown, sizes: Map<object, number>, open: Set<object>): number {
  if (value === null || typeof value !== 'object') return 1;
  const known = sizes.get(value);
  if (known !== undefined) return known;
  if (open.has(value)) throw new yaml.YAMLException('an alias refers to a node that contains it (a recursive alias); write the value out instead');
  open.add(value);
  let size = 1;
  for (const child of Object.values(value)) {
    size += expandedSize(child, sizes, open);
    if (size > MAX_YAML_NODES) {
      throw new yaml.YAMLException(`aliases expand it to more than ${MAX_YAML_NODES} values (an alias bomb?); write the values out, or use fewer aliases`);
    }
  }
  open.delete(value);
  sizes.set(value, size);
  return size;
}
