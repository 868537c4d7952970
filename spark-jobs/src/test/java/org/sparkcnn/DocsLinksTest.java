package org.sparkcnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README, the changelog and the manual in {@code docs/}: every relative link names a file of
 * the repository (and, for a Markdown file, one of its headings), nothing links outside the
 * repository, and the manual's index lists every page.
 */
class DocsLinksTest {

  static final Path HOME = Path.of("..").toAbsolutePath().normalize();
  static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
  static final Pattern WEB_ADDRESS = Pattern.compile("(?i)\\b(?:https?|ftp)://\\S+|\\bwww\\.\\S+");
  static final Pattern FENCE = Pattern.compile("(?s)(^|\\n)```.*?\\n```[^\\n]*");
  static final Pattern CODE_SPAN = Pattern.compile("`[^`\\n]*`");

  @Test
  void everyRelativeLinkNamesAFileAndHeadingThatExist() throws IOException {
    List<String> broken = new ArrayList<>();
    Map<Path, Set<String>> anchors = new HashMap<>();
    int links = 0;
    for (Path file : documents()) {
      Matcher m = LINK.matcher(prose(Files.readString(file)));
      while (m.find()) {
        links++;
        String target = m.group(1);
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path linked = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        String where = HOME.relativize(file) + ": " + target;
        if (!linked.startsWith(HOME) || !Files.exists(linked)) {
          broken.add(where + " (no such file)");
        } else if (anchor != null) {
          Set<String> known = anchors.computeIfAbsent(linked, DocsLinksTest::headingAnchors);
          if (!known.contains(anchor)) {
            broken.add(where + " (no such heading; known: " + new TreeSet<>(known) + ")");
          }
        }
      }
    }
    assertEquals(List.of(), broken);
    assertTrue(links > 50, "links found: " + links);
  }

  @Test
  void nothingLinksOutsideTheRepository() throws IOException {
    for (Path file : documents()) {
      Matcher m = WEB_ADDRESS.matcher(prose(Files.readString(file)));
      assertFalse(m.find(), () -> HOME.relativize(file) + ": " + m.group());
    }
  }

  @Test
  void theManualsIndexListsEveryPage() throws IOException {
    String index = Files.readString(HOME.resolve("docs/README.md"));
    for (Path page : documents()) {
      if (page.getParent().equals(HOME.resolve("docs")) && !page.endsWith("README.md")) {
        String name = page.getFileName().toString();
        assertTrue(index.contains("](" + name + ")"), "docs/README.md lists " + name);
      }
    }
  }

  @Test
  void anchorsFollowTheHeadingsText() {
    assertEquals(Set.of("exit-codes", "checkpoints-and-resuming", "submitbatchsh", "a-b", "a-b-1"),
        anchorsOf("## Exit codes\n```\n# not a heading\n```\n### Checkpoints and resuming\n"
            + "## `submit/batch.sh`\n## A, b\n## a b\n"));
  }

  /** README.md, CHANGELOG.md and every page of docs/. */
  static List<Path> documents() throws IOException {
    List<Path> files = new ArrayList<>(List.of(HOME.resolve("README.md")));
    if (Files.exists(HOME.resolve("CHANGELOG.md"))) {
      files.add(HOME.resolve("CHANGELOG.md"));
    }
    try (Stream<Path> docs = Files.list(HOME.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(files::add);
    }
    return files;
  }

  /** The text without fenced code blocks and code spans, where addresses are examples. */
  static String prose(String markdown) {
    return CODE_SPAN.matcher(FENCE.matcher(markdown).replaceAll("\n")).replaceAll("");
  }

  static Set<String> headingAnchors(Path file) {
    if (!file.toString().endsWith(".md")) {
      return Set.of();
    }
    try {
      return anchorsOf(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Anchors as the repository host derives them: lower case, punctuation dropped, spaces to -. */
  static Set<String> anchorsOf(String markdown) {
    Set<String> anchors = new HashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (String line : FENCE.matcher(markdown).replaceAll("\n").split("\n")) {
      if (line.matches("#{1,6} .*")) {
        String slug = line.replaceFirst("^#+ ", "").trim().toLowerCase(Locale.ROOT)
            .replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
        int n = seen.merge(slug, 1, Integer::sum) - 1;
        anchors.add(n == 0 ? slug : slug + "-" + n);
      }
    }
    return anchors;
  }
}
