#!/usr/bin/env bash
# Re-captures bench/optimizer/testdata/tools from the npm packages named here.
# Run from a directory whose node_modules holds them (npm install --ignore-scripts <packages>).
set -u
out=$(cd "$(dirname "$0")/../testdata/tools" && pwd)
cap=$(cd "$(dirname "$0")" && pwd)/capture.mjs
tmp=$(mktemp -d)
while read -r name pkg bin args; do
  [ -z "$name" ] && continue
  node "$cap" "$out/$name.json" "$name" "$pkg" "$bin" ${args//@TMP@/$tmp} || echo "FAILED $name"
done <<LIST
github @modelcontextprotocol/server-github dist/index.js
gitlab @modelcontextprotocol/server-gitlab dist/index.js
slack @modelcontextprotocol/server-slack dist/index.js
postgres @modelcontextprotocol/server-postgres dist/index.js postgresql://127.0.0.1:1/none
puppeteer @modelcontextprotocol/server-puppeteer dist/index.js
redis @modelcontextprotocol/server-redis dist/index.js redis://127.0.0.1:1
brave-search @modelcontextprotocol/server-brave-search dist/index.js
google-maps @modelcontextprotocol/server-google-maps dist/index.js
gdrive @modelcontextprotocol/server-gdrive dist/index.js
sequential-thinking @modelcontextprotocol/server-sequential-thinking dist/index.js
aws-kb-retrieval @modelcontextprotocol/server-aws-kb-retrieval dist/index.js
everart @modelcontextprotocol/server-everart dist/index.js
notion @notionhq/notion-mcp-server bin/cli.mjs
playwright @playwright/mcp cli.js
kubernetes mcp-server-kubernetes dist/index.js
git @cyanheads/git-mcp-server dist/index.js
fetch @kazuph/mcp-fetch dist/index.js
sqlite mcp-server-sqlite-npx dist/index.js @TMP@/db.sqlite
sentry @sentry/mcp-server dist/index.js --access-token=dummy
stripe @stripe/mcp dist/index.js --tools=all --api-key=sk_test_dummy
heroku @heroku/mcp-server bin/heroku-mcp-server.mjs
desktop-commander @wonderwhy-er/desktop-commander dist/index.js
context7 @upstash/context7-mcp dist/index.js
firecrawl firecrawl-mcp dist/index.js
tavily tavily-mcp build/index.js
airbnb @openbnb/mcp-server-airbnb dist/index.js
mysql @benborla29/mcp-server-mysql dist/index.js
everything @modelcontextprotocol/server-everything dist/index.js
memory @modelcontextprotocol/server-memory dist/index.js
filesystem @modelcontextprotocol/server-filesystem dist/index.js @TMP@
LIST
rm -rf "$tmp"
