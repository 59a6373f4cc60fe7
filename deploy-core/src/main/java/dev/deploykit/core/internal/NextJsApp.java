package dev.deploykit.core.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.deploykit.core.GeneratedFile;
import dev.deploykit.env.EnvironmentVariable;
import dev.deploykit.env.ScaffoldConfig;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of a minimal Next.js (App Router, TypeScript) app. Pure: the same input gives the same
 * files. Never writes a variable's value. Thread-safe.
 */
public final class NextJsApp {
  private static final ObjectWriter JSON = new ObjectMapper().writer(
      new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));
  private static final ObjectMapper PLAIN = new ObjectMapper();

  /** Dependency versions (caret ranges), checked against npm in 2025. */
  static final Map<String, String> VERSIONS = Map.ofEntries(
      Map.entry("next", "^15.5.4"),
      Map.entry("react", "^19.1.1"),
      Map.entry("react-dom", "^19.1.1"),
      Map.entry("typescript", "^5.9.2"),
      Map.entry("@types/node", "^22.18.6"),
      Map.entry("@types/react", "^19.1.13"),
      Map.entry("@types/react-dom", "^19.1.9"),
      Map.entry("@prisma/client", "^6.16.2"),
      Map.entry("prisma", "^6.16.2"),
      Map.entry("drizzle-orm", "^0.44.5"),
      Map.entry("postgres", "^3.4.7"),
      Map.entry("mongodb", "^6.20.0"),
      Map.entry("@supabase/supabase-js", "^2.57.4"),
      Map.entry("next-auth", "^4.24.11"),
      Map.entry("@clerk/nextjs", "^6.32.2"),
      Map.entry("@anthropic-ai/sdk", "^0.63.0"),
      Map.entry("openai", "^5.23.0"),
      Map.entry("@aws-sdk/client-bedrock-runtime", "^3.895.0"),
      Map.entry("@google/generative-ai", "^0.24.1"),
      Map.entry("redis", "^5.8.2"));

  private NextJsApp() {}

  /** Returns the app's files, sorted by path. */
  public static List<GeneratedFile> files(
      String projectName, ScaffoldConfig config, List<EnvironmentVariable> variables) {
    Map<String, String> files = new TreeMap<>();
    String db = config.database();
    String auth = config.auth();
    boolean supabase = "supabase".equals(db) || "supabase".equals(auth);
    files.put("package.json", packageJson(projectName, config, supabase));
    files.put("next.config.mjs", """
        /** @type {import('next').NextConfig} */
        const nextConfig = {
          reactStrictMode: true,
        };

        export default nextConfig;
        """);
    files.put("tsconfig.json", TSCONFIG);
    files.put("app/layout.tsx", layout(projectName, "clerk".equals(auth)));
    files.put("app/page.tsx", page(projectName, config));
    files.put(".gitignore", GITIGNORE);
    files.put(".env.example", envExample(variables));
    files.put("README.md", readme(projectName, config));
    if ("prisma-postgres".equals(db)) {
      files.put("prisma/schema.prisma", PRISMA_SCHEMA);
      files.put("lib/db.ts", PRISMA_CLIENT);
    } else if ("drizzle-postgres".equals(db)) {
      files.put("lib/db.ts", DRIZZLE_CLIENT);
    } else if ("mongodb".equals(db)) {
      files.put("lib/db.ts", MONGODB_CLIENT);
    }
    if (supabase) {
      files.put("lib/supabase.ts", SUPABASE_CLIENT);
    }
    if (config.services().contains("redis")) {
      files.put("lib/redis.ts", REDIS_CLIENT);
    }
    if ("nextauth".equals(auth)) {
      files.put("app/api/auth/[...nextauth]/route.ts", nextAuthRoute(config.oauthProviders()));
    }
    if ("clerk".equals(auth)) {
      files.put("middleware.ts", CLERK_MIDDLEWARE);
    }
    if (config.aiTemplate() != null && config.aiProvider() != null) {
      String route = chatRoute(config.aiTemplate(), config.aiProvider());
      if (route != null) {
        files.put("app/api/chat/route.ts", route);
      }
    }
    List<GeneratedFile> out = new ArrayList<>();
    files.forEach((path, text) -> out.add(GeneratedFile.text(path, text)));
    return List.copyOf(out);
  }

  /** Returns {@code name} as a valid npm package name (lower case, URL-safe, at most 214 chars). */
  public static String npmName(String name) {
    String lower = name.strip().toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < lower.length(); i++) {
      char c = lower.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
          || c == '_' || c == '~';
      if (ok) {
        sb.append(c);
      } else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '-') {
        sb.append('-');
      }
    }
    String s = sb.toString();
    int start = 0;
    while (start < s.length() && ".-_~".indexOf(s.charAt(start)) >= 0) {
      start++;
    }
    s = s.substring(start);
    if (s.length() > 214) {
      s = s.substring(0, 214);
    }
    while (!s.isEmpty() && "-.".indexOf(s.charAt(s.length() - 1)) >= 0) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.isEmpty() || s.equals("node_modules") || s.equals("favicon.ico")) {
      return "app";
    }
    return s;
  }

  private static String packageJson(String projectName, ScaffoldConfig config, boolean supabase) {
    boolean prisma = "prisma-postgres".equals(config.database());
    Map<String, String> deps = new TreeMap<>();
    Map<String, String> devDeps = new TreeMap<>();
    dep(deps, "next");
    dep(deps, "react");
    dep(deps, "react-dom");
    dep(devDeps, "typescript");
    dep(devDeps, "@types/node");
    dep(devDeps, "@types/react");
    dep(devDeps, "@types/react-dom");
    if (prisma) {
      dep(deps, "@prisma/client");
      dep(devDeps, "prisma");
    } else if ("drizzle-postgres".equals(config.database())) {
      dep(deps, "drizzle-orm");
      dep(deps, "postgres");
    } else if ("mongodb".equals(config.database())) {
      dep(deps, "mongodb");
    }
    if (supabase) {
      dep(deps, "@supabase/supabase-js");
    }
    if ("nextauth".equals(config.auth())) {
      dep(deps, "next-auth");
    } else if ("clerk".equals(config.auth())) {
      dep(deps, "@clerk/nextjs");
    }
    String provider = config.aiProvider();
    if (provider != null) {
      switch (provider) {
        case "anthropic" -> dep(deps, "@anthropic-ai/sdk");
        case "openai" -> dep(deps, "openai");
        case "bedrock" -> dep(deps, "@aws-sdk/client-bedrock-runtime");
        case "gemini" -> dep(deps, "@google/generative-ai");
        default -> { }
      }
    }
    if (config.services().contains("redis")) {
      dep(deps, "redis");
    }
    Map<String, Object> scripts = new LinkedHashMap<>();
    scripts.put("dev", "next dev");
    scripts.put("build", prisma ? "prisma generate && next build" : "next build");
    scripts.put("start", "next start");
    if (prisma) {
      scripts.put("postinstall", "prisma generate");
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", npmName(projectName));
    root.put("version", "0.1.0");
    root.put("private", true);
    root.put("scripts", scripts);
    root.put("dependencies", deps);
    root.put("devDependencies", devDeps);
    root.put("engines", Map.of("node", ">=18.18"));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void dep(Map<String, String> deps, String name) {
    deps.put(name, VERSIONS.get(name));
  }

  private static String js(String value) {
    try {
      return PLAIN.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> features(ScaffoldConfig config) {
    List<String> out = new ArrayList<>();
    if (config.database() != null) {
      out.add("Database: " + config.database());
    }
    if (config.auth() != null) {
      out.add("Authentication: " + config.auth()
          + (config.oauthProviders().isEmpty() ? "" : " (" + String.join(", ",
              config.oauthProviders()) + ")"));
    }
    if (config.aiTemplate() != null) {
      out.add("AI: " + config.aiTemplate() + " with " + config.aiProvider());
    }
    for (String service : config.services()) {
      out.add("Service: " + service);
    }
    return out;
  }

  private static String layout(String projectName, boolean clerk) {
    String body = clerk
        ? """
              <ClerkProvider>
                <html lang="en">
                  <body>{children}</body>
                </html>
              </ClerkProvider>"""
        : """
              <html lang="en">
                <body>{children}</body>
              </html>""";
    return (clerk ? "import { ClerkProvider } from \"@clerk/nextjs\";\n" : "")
        + "import type { Metadata } from \"next\";\n"
        + "import type { ReactNode } from \"react\";\n\n"
        + "export const metadata: Metadata = {\n"
        + "  title: " + js(projectName) + ",\n"
        + "  description: " + js("Generated by deploykit") + ",\n"
        + "};\n\n"
        + "export default function RootLayout({ children }: { children: ReactNode }) {\n"
        + "  return (\n" + body.indent(4) + "  );\n}\n";
  }

  private static String page(String projectName, ScaffoldConfig config) {
    StringBuilder features = new StringBuilder();
    for (String f : features(config)) {
      features.append("  ").append(js(f)).append(",\n");
    }
    return "const projectName = " + js(projectName) + ";\n\n"
        + "const features: string[] = [\n" + features + "];\n\n"
        + """
        export default function Home() {
          return (
            <main style={{ fontFamily: "system-ui, sans-serif", padding: "3rem", maxWidth: 720 }}>
              <h1>{projectName}</h1>
              <p>Your Next.js app is live.</p>
              {features.length > 0 ? (
                <ul>
                  {features.map((feature) => (
                    <li key={feature}>{feature}</li>
                  ))}
                </ul>
              ) : (
                <p>No extra features were selected.</p>
              )}
            </main>
          );
        }
        """;
  }

  private static String envExample(List<EnvironmentVariable> variables) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Environment variables this app reads. Copy to .env.local for local development\n")
        .append("# and set the values on your hosting platform. Never commit real values.\n");
    for (EnvironmentVariable v : variables) {
      sb.append('\n');
      String description = oneLine(v.description());
      if (!description.isEmpty()) {
        sb.append("# ").append(description).append('\n');
      }
      sb.append("# ").append(v.required() ? "Required" : "Optional")
          .append(v.sensitive() ? "; secret: keep it out of source control" : "").append('\n');
      sb.append(v.key()).append('=');
      String example = v.example();
      if (!v.sensitive() && example != null && !example.isBlank() && !example.equals(v.value())) {
        sb.append(envValue(oneLine(example)));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static String oneLine(String s) {
    return s.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  private static String envValue(String value) {
    if (value.matches("[A-Za-z0-9_./:@?&=%+,~-]*")) {
      return value;
    }
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String readme(String projectName, ScaffoldConfig config) {
    StringBuilder sb = new StringBuilder();
    sb.append("# ").append(oneLine(projectName)).append("\n\n")
        .append("A Next.js app (App Router, TypeScript) generated by deploykit.\n\n");
    List<String> features = features(config);
    if (!features.isEmpty()) {
      sb.append("## Features\n\n");
      features.forEach(f -> sb.append("- ").append(f).append('\n'));
      sb.append('\n');
    }
    sb.append("""
        ## Run it locally

        ```sh
        cp .env.example .env.local   # then fill in the values
        npm install
        npm run dev
        ```

        Open http://localhost:3000.

        ## Build

        ```sh
        npm run build
        npm start
        ```

        Set every variable listed in `.env.example` on your hosting platform. Values marked secret
        must never be committed.
        """);
    if (config.aiTemplate() != null) {
      sb.append("""

          ## Chat API

          ```sh
          curl -X POST http://localhost:3000/api/chat \\
            -H 'content-type: application/json' \\
            -d '{"messages":[{"role":"user","content":"Hello"}]}'
          ```
          """);
    }
    return sb.toString();
  }

  private static String nextAuthRoute(List<String> providers) {
    StringBuilder imports = new StringBuilder("import NextAuth, { type NextAuthOptions } from \"next-auth\";\n");
    StringBuilder list = new StringBuilder();
    for (String p : providers.stream().sorted(Comparator.naturalOrder()).toList()) {
      String type = switch (p) {
        case "github" -> "GitHubProvider";
        case "google" -> "GoogleProvider";
        case "discord" -> "DiscordProvider";
        case "gitlab" -> "GitLabProvider";
        default -> null;
      };
      if (type == null) {
        continue;
      }
      String env = p.toUpperCase(Locale.ROOT);
      imports.append("import ").append(type).append(" from \"next-auth/providers/").append(p)
          .append("\";\n");
      list.append("    ").append(type).append("({\n")
          .append("      clientId: process.env.").append(env).append("_CLIENT_ID ?? \"\",\n")
          .append("      clientSecret: process.env.").append(env).append("_CLIENT_SECRET ?? \"\",\n")
          .append("    }),\n");
    }
    return imports + "\n"
        + "const authOptions: NextAuthOptions = {\n"
        + "  secret: process.env.NEXTAUTH_SECRET,\n"
        + "  providers: [\n" + list + "  ],\n"
        + "};\n\n"
        + "const handler = NextAuth(authOptions);\n\n"
        + "export { handler as GET, handler as POST };\n";
  }

  private static String systemPrompt(String template) {
    return switch (template) {
      case "rag" -> "You answer questions using the context the user provides. Say when the"
          + " context does not contain the answer.";
      case "agent" -> "You are an assistant that plans step by step before answering.";
      default -> "You are a helpful assistant.";
    };
  }

  private static String chatRoute(String template, String provider) {
    String head = """
        type ChatMessage = { role: "user" | "assistant"; content: string };

        function badRequest(message: string) {
          return Response.json({ error: message }, { status: 400 });
        }

        async function readMessages(request: Request): Promise<ChatMessage[] | null> {
          const body = (await request.json().catch(() => null)) as { messages?: unknown } | null;
          if (!body || !Array.isArray(body.messages)) {
            return null;
          }
          return body.messages.filter((m): m is ChatMessage => {
            const candidate = m as Partial<ChatMessage> | null;
            return (
              typeof candidate === "object" && candidate !== null &&
              (candidate.role === "user" || candidate.role === "assistant") &&
              typeof candidate.content === "string"
            );
          });
        }

        """ + "const SYSTEM_PROMPT = " + js(systemPrompt(template)) + ";\n\n";
    String missingKey = """
          if (!process.env.%s) {
            return Response.json({ error: "%s is not set" }, { status: 500 });
          }
        """;
    String start = """
        export async function POST(request: Request) {
          const messages = await readMessages(request);
          if (!messages || messages.length === 0) {
            return badRequest("Send {\\"messages\\": [{\\"role\\": \\"user\\", \\"content\\": \\"...\\"}]}");
          }
        """;
    return switch (provider) {
      case "anthropic" -> "import Anthropic from \"@anthropic-ai/sdk\";\n\n" + head + start
          + missingKey.formatted("ANTHROPIC_API_KEY", "ANTHROPIC_API_KEY") + """
            const client = new Anthropic({ apiKey: process.env.ANTHROPIC_API_KEY });
            const message = await client.messages.create({
              model: "claude-sonnet-4-5",
              max_tokens: 1024,
              system: SYSTEM_PROMPT,
              messages,
            });
            const reply = message.content
              .map((block) => (block.type === "text" ? block.text : ""))
              .join("");
            return Response.json({ reply });
          }
          """;
      case "openai" -> "import OpenAI from \"openai\";\n\n" + head + start
          + missingKey.formatted("OPENAI_API_KEY", "OPENAI_API_KEY") + """
            const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
            const completion = await client.chat.completions.create({
              model: "gpt-4o-mini",
              messages: [
                { role: "system" as const, content: SYSTEM_PROMPT },
                ...messages.map((m) =>
                  m.role === "user"
                    ? { role: "user" as const, content: m.content }
                    : { role: "assistant" as const, content: m.content },
                ),
              ],
            });
            const reply = completion.choices[0]?.message?.content ?? "";
            return Response.json({ reply });
          }
          """;
      case "bedrock" -> "import { BedrockRuntimeClient, ConverseCommand } from"
          + " \"@aws-sdk/client-bedrock-runtime\";\n\n" + head + start
          + missingKey.formatted("AWS_REGION", "AWS_REGION") + """
            // Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
            const client = new BedrockRuntimeClient({ region: process.env.AWS_REGION });
            const output = await client.send(
              new ConverseCommand({
                modelId: "anthropic.claude-3-haiku-20240307-v1:0",
                system: [{ text: SYSTEM_PROMPT }],
                messages: messages.map((m) => ({ role: m.role, content: [{ text: m.content }] })),
              }),
            );
            const reply = (output.output?.message?.content ?? []).map((c) => c.text ?? "").join("");
            return Response.json({ reply });
          }
          """;
      case "gemini" -> "import { GoogleGenerativeAI } from \"@google/generative-ai\";\n\n" + head
          + start + missingKey.formatted("GOOGLE_AI_API_KEY", "GOOGLE_AI_API_KEY") + """
            const genAI = new GoogleGenerativeAI(process.env.GOOGLE_AI_API_KEY ?? "");
            const model = genAI.getGenerativeModel({
              model: "gemini-2.0-flash",
              systemInstruction: SYSTEM_PROMPT,
            });
            const result = await model.generateContent({
              contents: messages.map((m) => ({
                role: m.role === "assistant" ? "model" : "user",
                parts: [{ text: m.content }],
              })),
            });
            return Response.json({ reply: result.response.text() });
          }
          """;
      default -> null;
    };
  }

  private static final String TSCONFIG = """
      {
        "compilerOptions": {
          "target": "ES2017",
          "lib": ["dom", "dom.iterable", "esnext"],
          "allowJs": true,
          "skipLibCheck": true,
          "strict": true,
          "noEmit": true,
          "esModuleInterop": true,
          "module": "esnext",
          "moduleResolution": "bundler",
          "resolveJsonModule": true,
          "isolatedModules": true,
          "jsx": "preserve",
          "incremental": true,
          "plugins": [{ "name": "next" }],
          "paths": { "@/*": ["./*"] }
        },
        "include": ["next-env.d.ts", "**/*.ts", "**/*.tsx", ".next/types/**/*.ts"],
        "exclude": ["node_modules"]
      }
      """;

  private static final String GITIGNORE = """
      # dependencies
      /node_modules

      # Next.js
      /.next/
      /out/
      next-env.d.ts
      *.tsbuildinfo

      # environment: never commit real values
      .env
      .env*.local

      # platforms
      .vercel

      # misc
      .DS_Store
      npm-debug.log*
      """;

  private static final String PRISMA_SCHEMA = """
      generator client {
        provider = "prisma-client-js"
      }

      datasource db {
        provider = "postgresql"
        url      = env("DATABASE_URL")
      }

      model Note {
        id        Int      @id @default(autoincrement())
        text      String
        createdAt DateTime @default(now())
      }
      """;

  private static final String PRISMA_CLIENT = """
      import { PrismaClient } from "@prisma/client";

      const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

      export const prisma = globalForPrisma.prisma ?? new PrismaClient();

      if (process.env.NODE_ENV !== "production") {
        globalForPrisma.prisma = prisma;
      }
      """;

  private static final String DRIZZLE_CLIENT = """
      import { drizzle } from "drizzle-orm/postgres-js";
      import postgres from "postgres";

      // postgres.js connects on the first query, not here.
      const client = postgres(process.env.DATABASE_URL ?? "");

      export const db = drizzle(client);
      """;

  private static final String MONGODB_CLIENT = """
      import { MongoClient } from "mongodb";

      let client: Promise<MongoClient> | undefined;

      export function mongo(): Promise<MongoClient> {
        if (!process.env.MONGODB_URI) {
          throw new Error("MONGODB_URI is not set");
        }
        client ??= new MongoClient(process.env.MONGODB_URI).connect();
        return client;
      }
      """;

  private static final String SUPABASE_CLIENT = """
      import { createClient, type SupabaseClient } from "@supabase/supabase-js";

      let client: SupabaseClient | undefined;

      export function supabase(): SupabaseClient {
        const url = process.env.NEXT_PUBLIC_SUPABASE_URL;
        const key = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY;
        if (!url || !key) {
          throw new Error("NEXT_PUBLIC_SUPABASE_URL and NEXT_PUBLIC_SUPABASE_ANON_KEY must be set");
        }
        client ??= createClient(url, key);
        return client;
      }
      """;

  private static final String REDIS_CLIENT = """
      import { createClient } from "redis";

      let client: ReturnType<typeof createClient> | undefined;

      export async function redis() {
        if (!process.env.REDIS_URL) {
          throw new Error("REDIS_URL is not set");
        }
        if (!client) {
          client = createClient({ url: process.env.REDIS_URL });
          await client.connect();
        }
        return client;
      }
      """;

  private static final String CLERK_MIDDLEWARE = """
      import { clerkMiddleware } from "@clerk/nextjs/server";

      export default clerkMiddleware();

      export const config = {
        matcher: [
          "/((?!_next|[^?]*\\\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
          "/(api|trpc)(.*)",
        ],
      };
      """;
}
