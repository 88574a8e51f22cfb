// After `tsc`: records a hash of the built code in dist/build-id.json, so that the result cache
// of one build is never served to another (see cli/build-id.ts).
import { writeBuildId } from '../dist/cli/build-id.js';

writeBuildId();
