import { explainRequestError, type GitHubClient } from '../ledger/client.js';
import type { IssueComment, IssueCommentsPort } from './sticky.js';

const PERMISSION = 'pull-requests: write';

/** The issue-comments port over GitHub's REST API (all pages listed; 403s name the permission). */
export function githubIssueComments(client: GitHubClient, owner: string, repo: string): IssueCommentsPort {
  const pick = (c: { id: number; body?: string | null }): IssueComment => ({ id: c.id, body: c.body ?? '' });
  const guarded = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      throw explainRequestError(error, what, PERMISSION);
    }
  };
  return {
    list: (issueNumber) =>
      guarded(`list the comments of pull request #${issueNumber}`, async () =>
        (await client.paginate(client.rest.issues.listComments, { owner, repo, issue_number: issueNumber, per_page: 100 })).map(pick),
      ),
    create: (issueNumber, body) =>
      guarded(`comment on pull request #${issueNumber}`, async () => pick((await client.rest.issues.createComment({ owner, repo, issue_number: issueNumber, body })).data)),
    update: (commentId, body) =>
      guarded(`update comment ${commentId}`, async () => pick((await client.rest.issues.updateComment({ owner, repo, comment_id: commentId, body })).data)),
  };
}
