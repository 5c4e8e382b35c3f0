#!/usr/bin/env node
// The `pixsim` command. Gradients are registered by @tensorflow/tfjs-layers (loaded by @pixsim/models).
import '@tensorflow/tfjs-backend-cpu';
import { main } from './node/cli';

await main();
