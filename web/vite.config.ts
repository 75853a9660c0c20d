import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Resolve from this file so the build works no matter which directory vite is invoked from.
const root = fileURLToPath(new URL('.', import.meta.url));
const server = 'http://127.0.0.1:3000';
const charts =
  /node_modules[\\/](recharts|victory-vendor|d3-[a-z-]+|internmap|decimal\.js-light|es-toolkit|@reduxjs|redux|react-redux|reselect|immer|eventemitter3|tiny-invariant)[\\/]/;

// react-markdown and its unified/remark/micromark parts: only the lazily loaded assistant panel imports these.
const markdown =
  /node_modules[\\/](react-markdown|remark-[a-z-]+|rehype-[a-z-]+|mdast-util-[a-z-]+|micromark[a-z-]*|unified|bail|trough|is-plain-obj|vfile[a-z-]*|unist-util-[a-z-]+|hast-util-[a-z-]+|hastscript|property-information|space-separated-tokens|comma-separated-tokens|html-url-attributes|decode-named-character-reference|character-entities[a-z-]*|zwitch|longest-streak|devlop|ccount|markdown-table|estree-util-[a-z-]+|style-to-[a-z-]+|inline-style-parser|trim-lines|@ungap)[\\/]/;

export default defineConfig({
  root,
  publicDir: fileURLToPath(new URL('./public', import.meta.url)),
  plugins: [react(), tailwindcss()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        // Libraries change far less often than app code; separate chunks keep them cached across deploys.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|clsx|tailwind-merge)[\\/]/,
              priority: 20,
            },
            // The admin charts' libraries: only the lazily loaded analytics page imports this chunk.
            { name: 'charts', test: charts, priority: 15 },
            { name: 'markdown', test: markdown, priority: 15 },
            {
              name: 'vendor',
              test: (id: string) => /node_modules[\\/]/.test(id) && !charts.test(id) && !markdown.test(id),
              // Only what the shell loads up front; libraries that just some lazy pages use come with those pages.
              tags: ['$initial'],
              priority: 10,
            },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': server,
      '/healthz': server,
      '/dev': server,
    },
  },
  preview: {
    proxy: {
      '/api': server,
      '/healthz': server,
      '/dev': server,
    },
  },
});
