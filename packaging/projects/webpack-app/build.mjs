// Builds the app with webpack 5's Node API, with no loader, plugin or special rule:
// dist/production/ and dist/development/, each with the index.html the test loads.
import { readFileSync, writeFileSync } from "node:fs";
import webpack from "webpack";

const modes = /** @type {const} */ (["production", "development"]);
const configs = modes.map((mode) => ({
  mode,
  context: import.meta.dirname,
  entry: "./src/app.js",
  output: { path: `${import.meta.dirname}/dist/${mode}`, filename: "main.js", clean: true },
  devtool: mode === "development" ? "eval-source-map" : false,
}));

const stats = await new Promise((resolve, reject) => {
  const compiler = webpack(configs);
  compiler.run((error, result) => compiler.close(() => (error ? reject(error) : resolve(result))));
});
const text = stats.toString({ colors: false, modules: false, assets: true });
if (stats.hasErrors() || stats.hasWarnings()) {
  console.error(text);
  process.exit(1);
}
const html = readFileSync("index.html", "utf8").replace("./src/app.js", "./main.js").replace('type="module" ', "");
for (const mode of modes) writeFileSync(`dist/${mode}/index.html`, html);
console.log(text);
