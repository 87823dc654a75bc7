// The OpenAPI documents the API server publishes under /openapi/v2 (JSON and gnostic
// protobuf) and /openapi/v3.

export { OpenApiPublisher, contentHash, acceptsJson, legacyV2ProtobufPath, openApiV2ProtobufType, type OpenApiResponse } from './publisher.js';
export { encodeGnosticDocument, decodeGnosticDocument, toGnosticDocument, type GnosticMessage } from './gnostic.js';
export { buildV2Document, buildV3Document, customResourceDefinitionName, groupVersionKey, type DocumentOptions } from './documents.js';
