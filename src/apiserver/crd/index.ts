// CustomResourceDefinitions and the custom resources they define, served dynamically: what the
// rest of kubelite uses of the CRD machinery.

export { CustomResourceDefinitionController, loadCustomResources, type CustomResourceDefinitionControllerOptions } from './controller.js';
export { customResourceDefinitionDeletionHooks, markForDeletion } from './deletion.js';
export { customResourceBehaviour, genericObjectMetaErrors } from './behaviour.js';
export { deprecationWarning } from './deprecation.js';
export { Definition } from './definition.js';
export { resourceTypeFor } from './resource-type.js';
export { structuralSchemaOf } from './schema.js';
export { validateAgainstSchema } from './schema-validation.js';
export { customResourcePrinter } from './printer.js';
export { celValidatorFor, ruleCompileErrors, type CelValidator } from './cel/rules.js';
export { CustomResourceCleanupFinalizer } from './definition.js';
