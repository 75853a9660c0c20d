// The model API (decision 028): chat, vision and embedding models from one OpenAI-compatible endpoint.
export { checkLlm } from './doctor.ts';
export { chatModel, type Fetch, type TextEmbedder, textEmbedder, visionModel } from './models.ts';
