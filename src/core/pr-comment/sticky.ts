import { commentMarker } from './render.js';

/** A comment as the port returns it. */
export interface IssueComment {
  id: number;
  body: string;
}

/** The small port over GitHub's issue-comments API that the sticky comment needs. */
export interface IssueCommentsPort {
  /** Every comment on the issue or pull request (all pages). */
  list(issueNumber: number): Promise<IssueComment[]>;
  create(issueNumber: number, body: string): Promise<IssueComment>;
  update(commentId: number, body: string): Promise<IssueComment>;
}

/**
 * One comment per pull request and environment, updated in place: found by its hidden marker
 * the first time, then by the remembered id (one request per update). The body must carry the
 * marker (renderRolloutComment puts it first).
 */
export class StickyComment {
  private commentId?: number;
  private lastBody?: string;

  constructor(
    private readonly port: IssueCommentsPort,
    private readonly pullRequest: number,
    private readonly environment: string,
  ) {}

  /** Creates or updates the comment; an unchanged body costs nothing. Returns the comment id. */
  async publish(body: string): Promise<number> {
    if (!body.includes(commentMarker(this.environment))) body = `${commentMarker(this.environment)}\n${body}`;
    if (this.commentId === undefined) {
      const existing = (await this.port.list(this.pullRequest)).find((c) => c.body.includes(commentMarker(this.environment)));
      this.commentId = existing?.id;
      this.lastBody = existing?.body;
    }
    if (body === this.lastBody && this.commentId !== undefined) return this.commentId;
    const comment = this.commentId === undefined ? await this.port.create(this.pullRequest, body) : await this.port.update(this.commentId, body);
    this.commentId = comment.id;
    this.lastBody = body;
    return comment.id;
  }
}
