import { generateText, tool } from 'ai';
import { z } from 'zod';
import { withUser } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { chatModel, type Fetch, visionModel } from '../../llm/index.ts';
import { getArtwork, listAccountArtworks } from '../../marketplace/index.ts';
import type { McpPrincipal } from '../mcp/server.ts';
import { artworkPicture } from './pictures.ts';
import { type ArtistTextKind, artistTextPrompt, DESCRIBER_PROMPT } from './prompts.ts';
import type { ToolDeps } from './tools.ts';

/**
 * Which profile field a kind of text saves into: a bio or statement becomes the public bio (PATCH
 * /marketplace/artists/{accountId}/profile), only when the artist presses "Save as bio" on the card.
 */
const SAVES_INTO: Record<ArtistTextKind, 'bio' | null> = {
  bio: 'bio',
  statement: 'bio',
  press_release: null,
  social_post: null,
};

// How much of the portfolio the writer sees: enough to write from, small enough for any model's context.
const PORTFOLIO_WORKS = 20;
const clip = (s: string | null | undefined, n: number) => (s ? s.slice(0, n) : null);

/**
 * The artist assistant's own tools: a description drafted by a vision model from the artwork's primary image and its
 * data, and the artist's other texts (bio, statement, press release, social post) drafted by the chat model from
 * their profile and portfolio. They only return drafts; saving is always the artist's click in the app.
 */
export function artistDraftTools(deps: ToolDeps & { fetch?: Fetch }, principal: McpPrincipal) {
  return {
    draft_artwork_description: tool({
      description:
        "Draft a description of one of the artist's artworks from its picture and its data (title, medium, size, year); returns the draft for the artist to review and save.",
      inputSchema: z.object({
        artwork_id: z.uuid().describe('The artwork id, from list_artworks'),
        notes: z.string().max(1000).optional().describe('What the artist wants stressed: tone, subject, length'),
      }),
      execute: async ({ artwork_id, notes }) => {
        try {
          const vision = visionModel(deps.config);
          if (!vision) throw new AppError('unavailable', 'No vision model is configured (LLM_VISION_MODEL)');
          // Read as the artist: a work of another account is "not found", as in the API.
          const { artwork: w, data: image } = await artworkPicture(
            deps,
            principal.userId,
            artwork_id,
            principal.accountId,
          );
          if (!image)
            throw new AppError('invalid_state', 'Upload a picture of the work first: the draft is written from it');
          const facts = {
            title: w.title,
            medium: w.medium,
            width_mm: w.widthMm,
            height_mm: w.heightMm,
            year: w.year,
            edition: w.editionType === 'edition' ? `edition of ${w.editionSize}` : 'original',
            current_description: w.description,
            artist_notes: notes ?? null,
          };
          const r = await generateText({
            model: vision.model,
            system: DESCRIBER_PROMPT,
            messages: [
              {
                role: 'user',
                content: [
                  { type: 'text', text: `The artwork's data (JSON): ${JSON.stringify(facts)}` },
                  { type: 'file', data: image, mediaType: 'image/webp' },
                ],
              },
            ],
            maxRetries: 1,
          });
          const draft = r.text.trim().slice(0, 5000);
          return { artwork_id: w.id, title: w.title, field: 'description', draft };
        } catch (err) {
          if (err instanceof AppError) return { error: { code: err.code, message: err.message } };
          throw err;
        }
      },
    }),
    draft_artist_text: tool({
      description:
        "Draft the artist's bio, artist statement, a press release or a social post from their profile and portfolio (optionally centred on one artwork); returns the draft for the artist to review and copy.",
      inputSchema: z.object({
        kind: z.enum(['bio', 'statement', 'press_release', 'social_post']).describe('Which text to write'),
        notes: z.string().max(1000).optional().describe('What the artist wants stressed: tone, occasion, length'),
        artwork_id: z
          .uuid()
          .optional()
          .describe('An artwork id from list_artworks, to centre a press release or social post on one work'),
      }),
      execute: async ({ kind, notes, artwork_id }) => {
        try {
          const chat = chatModel(deps.config, deps.fetch);
          if (!chat) throw new AppError('unavailable', 'No chat model is configured (LLM_MODEL)');
          // Read as the artist: another account's profile or work is "not found", as in the API.
          const data = await withUser(deps.db, { sub: principal.userId }, async (tx) => {
            const focus = artwork_id ? await getArtwork(tx, artwork_id).catch(() => null) : null;
            if (artwork_id && (!focus || focus.accountId !== principal.accountId)) throw notFound('Artwork');
            const profile = await tx
              .selectFrom('accounts as a')
              .leftJoin('artist_profiles as p', 'p.account_id', 'a.id')
              .select(['a.name', 'p.bio', 'p.country'])
              .where('a.id', '=', principal.accountId)
              .where('a.kind', '=', 'artist')
              .executeTakeFirst();
            if (!profile) throw notFound('Artist');
            // The application's statement is visible to its applicant only (RLS): other members write without it.
            const application = await tx
              .selectFrom('artist_applications')
              .select(['statement', 'exhibitions'])
              .where('artist_account_id', '=', principal.accountId)
              .where('status', '=', 'approved')
              .executeTakeFirst();
            const works = await listAccountArtworks(tx, principal.accountId);
            return { focus, profile, application, works };
          });
          const { focus, profile, application, works } = data;
          const work = (w: (typeof works)[number]) => ({
            title: w.title,
            medium: w.medium,
            year: w.year,
            width_mm: w.widthMm,
            height_mm: w.heightMm,
            status: w.status,
            description: clip(w.description, 600),
          });
          const facts = {
            artist: {
              name: profile.name,
              country: profile.country?.trim() ?? null,
              current_bio: profile.bio || null,
              statement: application?.statement || null,
              exhibitions: clip(application?.exhibitions, 2000),
            },
            works: works.slice(0, PORTFOLIO_WORKS).map(work),
            focus_artwork: focus ? work(focus) : null,
            artist_notes: notes ?? null,
          };
          const r = await generateText({
            model: chat.model,
            system: artistTextPrompt(kind),
            messages: [{ role: 'user', content: `The artist's profile and works (JSON): ${JSON.stringify(facts)}` }],
            maxRetries: 1,
          });
          // The bio column holds at most 5000 characters; no draft is longer than a field could take.
          const draft = r.text.trim().slice(0, 5000);
          return {
            kind,
            field: SAVES_INTO[kind],
            draft,
            artwork_id: focus?.id ?? null,
            title: focus?.title ?? null,
          };
        } catch (err) {
          if (err instanceof AppError) return { error: { code: err.code, message: err.message } };
          throw err;
        }
      },
    }),
  };
}
