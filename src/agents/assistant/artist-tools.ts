import { generateText, tool } from 'ai';
import { z } from 'zod';
import { withUser } from '../../db/tenancy.ts';
import { AppError, notFound } from '../../errors.ts';
import { visionModel } from '../../llm/index.ts';
import { getArtwork, readImageFile, variantKey } from '../../marketplace/index.ts';
import type { McpPrincipal } from '../mcp/server.ts';
import { DESCRIBER_PROMPT } from './prompts.ts';
import type { ToolDeps } from './tools.ts';

/**
 * The artist assistant's own tool: a description drafted by a vision model from the artwork's primary image and its
 * data. It only returns the draft; the artist saves it into the description field with a click in the app.
 */
export function artistDraftTools(deps: ToolDeps, principal: McpPrincipal) {
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
          const w = await withUser(deps.db, { sub: principal.userId }, async (tx) => {
            const artwork = await getArtwork(tx, artwork_id).catch(() => null);
            if (!artwork || artwork.accountId !== principal.accountId) throw notFound('Artwork');
            return artwork;
          });
          const primary = w.images.find((i) => i.isPrimary) ?? w.images[0];
          const key = primary
            ? await withUser(deps.db, { sub: principal.userId }, (tx) =>
                tx.selectFrom('artwork_images').select('storage_key').where('id', '=', primary.id).executeTakeFirst(),
              )
            : undefined;
          const image = key ? await readImageFile(deps.config, variantKey(key.storage_key, 'web')) : null;
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
  };
}
