export function parseLicences(content: string): { name: string; licence: string; text: string }[];
export function mergeLicences(contents: string[]): string;
