import type { SimRequest, SimResponse } from './router.js';

// GitHub's pagination: `per_page` (default 30, at most 100) and `page` (from 1), and a `link`
// header whose URLs use the /repositories/{id}/… form, in the order prev, next, last, first.

/** Default and maximum page sizes of GitHub's list endpoints. */
const DEFAULT_PER_PAGE = 30;
const MAX_PER_PAGE = 100;

function positive(value: string | null, fallback: number): number {
  const n = Number.parseInt(value ?? '', 10);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** The `link` header value for a page, or undefined when everything fits in one page. */
function linkHeader(request: SimRequest, page: number, lastPage: number): string | undefined {
  if (lastPage <= 1 && page <= 1) return undefined;
  const url = (n: number): string => {
    const query = new URLSearchParams([...request.query].filter(([key]) => key !== 'page'));
    query.append('page', String(n));
    return `<${request.site.baseUrl}/repositories/${request.site.repoId}${request.repoPath}?${query}>`;
  };
  const links: string[] = [];
  if (page > 1) links.push(`${url(Math.min(page - 1, lastPage))}; rel="prev"`);
  if (page < lastPage) links.push(`${url(page + 1)}; rel="next"`, `${url(lastPage)}; rel="last"`);
  if (page > 1) links.push(`${url(1)}; rel="first"`);
  return links.join(', ');
}

/** One page of `items` (already in GitHub's order) as a 200 answer with its link header. */
export function paginated<T>(request: SimRequest, items: T[], render: (item: T) => unknown, wrap?: (page: unknown[]) => unknown): SimResponse {
  const perPage = Math.min(positive(request.query.get('per_page'), DEFAULT_PER_PAGE), MAX_PER_PAGE);
  const page = positive(request.query.get('page'), 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const slice = items.slice((page - 1) * perPage, page * perPage).map(render);
  const link = linkHeader(request, page, lastPage);
  return { status: 200, body: wrap ? wrap(slice) : slice, headers: link ? { link } : {} };
}
