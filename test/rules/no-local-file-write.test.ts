import rule from '../../rules/no-local-file-write.js';
import { code, fixed, found, js, ruleTester, ts } from './tester.js';

const diskUpload = code`
  const express = require('express');
  const multer = require('multer');

  const storage = multer.diskStorage({ destination: 'uploads/' });
  const upload = multer({ storage });

  const app = express();
  app.post('/avatar', upload.single('avatar'), (req, res) => res.json({ path: req.file.path }));
`;

const writeReport = code`
  import { writeFile } from 'node:fs/promises';
  import type { Request, Response } from 'express';

  export async function saveReport(req: Request, res: Response) {
    await writeFile(\`reports/\${req.params.id}.json\`, JSON.stringify(req.body));
    res.sendStatus(201);
  }
`;

ruleTester.run('no-local-file-write', rule, {
  valid: [
    // multer keeping the upload in memory for the request, then sending it on.
    js({
      code: code`
        const multer = require('multer');
        const upload = multer({ storage: multer.memoryStorage() });
        module.exports = upload;
      `,
    }),
    // A temp file under os.tmpdir() removed in the same request.
    ts({
      code: code`
        import { mkdtemp, rm, writeFile } from 'node:fs/promises';
        import { tmpdir } from 'node:os';
        import { join } from 'node:path';

        export async function convert(input: Buffer): Promise<number> {
          const dir = await mkdtemp(join(tmpdir(), 'convert-'));
          try {
            await writeFile(join(dir, 'in.bin'), input);
            return input.length;
          } finally {
            await rm(dir, { recursive: true, force: true });
          }
        }
      `,
    }),
    // Written once at start-up, not per request.
    js({ code: `const fs = require('fs');\nfs.writeFileSync('pid', String(process.pid));\n` }),
    ts({ code: writeReport, options: [{ allow: ['fs/promises'] }] }),
    ts({ code: writeReport, settings: { statecheck: { deployment: 'single-instance' } } }),
  ],
  invalid: [
    js({
      code: diskUpload,
      errors: [
        fixed(diskUpload, 'file-write', 4, 17, {
          summary: 'Store uploads in S3: use `multerS3({ s3, bucket })` storage (multer-s3)',
          packages: 'multer-s3 @aws-sdk/client-s3',
          output: diskUpload
            .replace(
              "const multer = require('multer');\n",
              "const multer = require('multer');\nconst multerS3 = require('multer-s3');\nconst { S3Client } = require('@aws-sdk/client-s3');\n",
            )
            .replace(
              "multer.diskStorage({ destination: 'uploads/' })",
              'multerS3({ s3: new S3Client({}), bucket: process.env.UPLOAD_BUCKET })',
            ),
        }),
      ],
    }),
    ts({ code: writeReport, errors: [found(writeReport, 'file-write', 5, 9)] }),
  ],
});
