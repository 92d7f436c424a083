#include <gtest/gtest.h>

#include "tako/deps/edit.h"

using tako::deps::update_pom_xml;

namespace {

tako::deps::Edit edit(std::string_view text, std::string_view name, std::string_view version) {
  auto r = update_pom_xml(text, name, version);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : tako::deps::Edit{};
}

const char* kPom = R"(<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <!-- <dependency><artifactId>lib</artifactId><version>0.0.1</version></dependency> -->
  <groupId>com.example</groupId>
  <artifactId>app</artifactId>
  <version>1.0.0</version>
  <dependencies>
    <dependency>
      <groupId>com.example</groupId>
      <artifactId>lib</artifactId>
      <version>1.2.0</version>
      <exclusions>
        <exclusion><groupId>x</groupId><artifactId>lib</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.other</groupId>
      <artifactId>other</artifactId>
      <version>3.0</version>
    </dependency>
  </dependencies>
</project>
)";

TEST(PomXml, ArtifactIdMatch) {
  auto e = edit(kPom, "lib", "1.3.0");
  std::string want = kPom;
  want.replace(want.find("1.2.0"), 5, "1.3.0");
  EXPECT_EQ(e.text, want);
  EXPECT_EQ(e.previous_version, "1.2.0");
  EXPECT_EQ(e.occurrences, 1);
}

TEST(PomXml, GroupAndArtifactMatch) {
  auto e = edit(kPom, "com.example:lib", "2.0.0");
  EXPECT_EQ(e.occurrences, 1);
  EXPECT_NE(e.text.find("<version>2.0.0</version>"), std::string::npos);
  EXPECT_FALSE(edit(kPom, "org.other:lib", "2.0.0").found);
}

TEST(PomXml, ProjectVersionAndExclusionsAreNotDependencies) {
  auto e = edit(kPom, "app", "9.9.9");
  EXPECT_FALSE(e.found);
  EXPECT_EQ(e.text, kPom);
}

TEST(PomXml, PropertyIsEditedInstead) {
  const std::string in =
      "<project>\n  <properties>\n    <lib.version>1.0.0</lib.version>\n    <x>1.0.0</x>\n  </properties>\n"
      "  <dependencies>\n    <dependency>\n      <artifactId>lib</artifactId>\n"
      "      <version>${lib.version}</version>\n    </dependency>\n    <dependency>\n"
      "      <artifactId>lib</artifactId>\n      <classifier>tests</classifier>\n"
      "      <version>${lib.version}</version>\n    </dependency>\n  </dependencies>\n</project>";
  auto e = edit(in, "lib", "1.1.0");
  EXPECT_TRUE(e.changed);
  EXPECT_EQ(e.previous_version, "1.0.0");
  std::string want = in;
  want.replace(want.find("1.0.0"), 5, "1.1.0");
  EXPECT_EQ(e.text, want);
}

TEST(PomXml, MissingPropertyIsAnError) {
  auto r = update_pom_xml("<project><dependencies><dependency><artifactId>lib</artifactId>"
                          "<version>${project.version}</version></dependency></dependencies></project>",
                          "lib", "1.0.0");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "dependency 'lib' takes its version from ${project.version}, which is not defined under <properties>");
}

TEST(PomXml, PropertiesOfProfilesAreNotProjectProperties) {
  auto r = update_pom_xml("<project><profiles><profile><properties><v>1</v></properties></profile></profiles>"
                          "<dependencies><dependency><artifactId>lib</artifactId><version>${v}</version>"
                          "</dependency></dependencies></project>",
                          "lib", "2");
  EXPECT_FALSE(r.ok());
}

TEST(PomXml, WhitespaceInsideVersionKept) {
  auto e = edit("<project><dependencies><dependency>\r\n\t<artifactId> lib </artifactId>\r\n\t<version>\r\n\t\t1.0\r\n\t</version>"
                "</dependency></dependencies></project>",
                "lib", "1.1");
  EXPECT_EQ(e.text,
            "<project><dependencies><dependency>\r\n\t<artifactId> lib </artifactId>\r\n\t<version>\r\n\t\t1.1\r\n\t</version>"
            "</dependency></dependencies></project>");
}

TEST(PomXml, DependencyManagementAndPluginDependenciesCount) {
  const std::string in =
      "<project><dependencyManagement><dependencies><dependency><artifactId>lib</artifactId><version>1</version>"
      "</dependency></dependencies></dependencyManagement><build><plugins><plugin><dependencies><dependency>"
      "<artifactId>lib</artifactId><version>2</version></dependency></dependencies></plugin></plugins></build></project>";
  auto e = edit(in, "lib", "3");
  EXPECT_EQ(e.occurrences, 2);
  EXPECT_EQ(e.previous_version, "1");
  EXPECT_EQ(e.text.find("<version>1</version>"), std::string::npos);
  EXPECT_EQ(e.text.find("<version>2</version>"), std::string::npos);
}

TEST(PomXml, DependencyWithoutVersionIsNotAnOccurrence) {
  auto e = edit("<project><dependencies><dependency><artifactId>lib</artifactId></dependency></dependencies></project>",
                "lib", "1");
  EXPECT_FALSE(e.found);
}

TEST(PomXml, CommentsCdataAttributesDoctype) {
  const std::string in =
      "<!DOCTYPE project [<!ENTITY x \"y\">]>\n<project a=\"1>2\"><dependencies><dependency>"
      "<!-- <version>0</version> --><artifactId>lib</artifactId><x><![CDATA[<version>0</version>]]></x>"
      "<version>1.0</version><self/></dependency></dependencies></project>";
  auto e = edit(in, "lib", "1.1");
  EXPECT_EQ(e.occurrences, 1);
  std::string want = in;
  want.replace(want.find("<version>1.0"), 12, "<version>1.1");
  EXPECT_EQ(e.text, want);
}

TEST(PomXml, EqualVersionUnchanged) {
  auto e = edit(kPom, "lib", "1.2.0");
  EXPECT_TRUE(e.found);
  EXPECT_FALSE(e.changed);
  EXPECT_EQ(e.text, kPom);
}

TEST(PomXml, TruncatedInputDoesNotCrash) {
  auto e = edit("<project><dependencies><dependency><artifactId>lib</artifactId><version>1", "lib", "2");
  EXPECT_FALSE(e.found);
  auto e2 = edit("<project><!-- open", "lib", "2");
  EXPECT_FALSE(e2.found);
  auto e3 = edit("</x><project><dependency><artifactId>lib</artifactId><version>1</version></dependency><a", "lib", "2");
  EXPECT_TRUE(e3.found);
}

}  // namespace
