import { initCourse } from "../teach/init-course";
import { runCommand, UsageError } from "./args";

const USAGE = `usage: gradient-lab init DIR
  Creates a course repository in DIR (new or empty) that depends on
  gradient-lab: package.json (npm start / npm test), tsconfig.json, README.md,
  .gitignore and notebooks/01-one-training-step.ipynb with a parameters cell,
  an equation with its numbers, a figure and an exercise with its check.`;

export async function main(argv: string[]): Promise<number> {
  return runCommand(argv, USAGE, {}, async (_values, positionals) => {
    if (positionals.length !== 1) throw new UsageError(`init wants one folder, got ${positionals.length}`);
    const dir = positionals[0]!;
    let files: string[];
    try {
      files = await initCourse(dir);
    } catch (error) {
      console.error(`gradient-lab init: ${(error as Error).message}`);
      return 1;
    }
    console.log(`created ${dir}: ${files.join(", ")}`);
    console.log(`next: cd ${dir} && npm install && npm start`);
    return 0;
  });
}
