export * from './state.ts';
export * from './changes.ts';
export * from './scene-schema.ts';
export * from './scene.ts';
export * from './scene-index.ts';
export * from './codec.ts';
export * from './events.ts';
export * from './kinematics.ts';
