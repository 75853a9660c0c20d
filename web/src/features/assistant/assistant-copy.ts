import type { AssistantName } from './api.ts';

/** What each assistant is called and offers, for its button, sheet and empty conversation. */
export interface AssistantCopy {
  /** The button that opens it. */
  button: string;
  /** The sheet's title (its accessible name). */
  title: string;
  intro: string;
  suggestions: string[];
  messageLabel: string;
  placeholder: string;
}

export const assistantCopy: Record<AssistantName, AssistantCopy> = {
  patron: {
    button: 'Ask the art assistant',
    title: 'Art assistant',
    intro: 'Ask about the works on sale: what to look for, what fits a room or a budget, what a work is about.',
    suggestions: [
      'Blue abstract paintings under €500',
      'Something like a calm seascape for a small room',
      'What makes an edition different from an original?',
    ],
    messageLabel: 'Message the art assistant',
    placeholder: 'Ask about art on sale…',
  },
  studio: {
    button: 'Ask the studio assistant',
    title: 'Studio assistant',
    intro:
      'Ask about your print sales, galleries and clients, or have a checkout link made for a client. Nothing is sold without your say.',
    suggestions: ['Sales this month', 'Send Jamie a checkout link for an A3 print'],
    messageLabel: 'Message the studio assistant',
    placeholder: 'Ask about sales, galleries, clients…',
  },
  artist: {
    button: 'Ask the artist assistant',
    title: 'Artist assistant',
    intro:
      'Get help writing about your work (descriptions, a bio, a statement) or ask about your sales. A draft is saved only when you press “Use as description” or “Save as bio”.',
    suggestions: ['Draft a description of my latest work', 'Write a short artist bio'],
    messageLabel: 'Message the artist assistant',
    placeholder: 'Ask about your works and sales…',
  },
};
