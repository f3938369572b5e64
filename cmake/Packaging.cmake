# SPDX-License-Identifier: MIT
# Installation layout and the Debian package (`cpack -G DEB` in the build folder).
#
# Everything lives under one prefix and the binary finds its data from its own location
# (src/util/data_dir.hpp), so `cmake --install` into any prefix, the package installed in /usr,
# and the package extracted anywhere with `dpkg-deb -x` all work the same:
#   bin/trailwatch
#   share/trailwatch/rules/            rules and watch lists
#   share/trailwatch/geoip/            the default GeoIP databases with their attribution files
#   share/man/man1/trailwatch.1.gz     the man page
#   share/bash-completion/completions/trailwatch, share/zsh/vendor-completions/_trailwatch,
#   share/fish/vendor_completions.d/trailwatch.fish
#   share/doc/trailwatch/              copyright, README.md, examples/
# The package's Depends are generated from the binary's shared libraries (dpkg-shlibdeps, from
# dpkg-dev), so they name the Debian 12 packages the build really linked.

install(TARGETS trailwatch RUNTIME DESTINATION bin)
install(DIRECTORY rules/ DESTINATION share/trailwatch/rules)
install(DIRECTORY packs/ DESTINATION share/trailwatch/packs)
# The default GeoIP databases and their licence/attribution files, when scripts/setup.sh has
# fetched them (checked at install time; the .version stamp is setup's bookkeeping only).
install(CODE "
  set(geo \"${CMAKE_CURRENT_SOURCE_DIR}/data/geoip\")
  if(EXISTS \"\${geo}\")
    file(INSTALL \"\${geo}/\" DESTINATION \"\${CMAKE_INSTALL_PREFIX}/share/trailwatch/geoip\"
      PATTERN \"*.version\" EXCLUDE)
  else()
    message(WARNING \"no data/geoip: run scripts/setup.sh to ship the GeoIP databases\")
  endif()")

# The man page, compressed as Debian policy wants (-n: no name or time stamp, reproducible).
set(man_gz ${CMAKE_CURRENT_BINARY_DIR}/man/trailwatch.1.gz)
add_custom_command(OUTPUT ${man_gz}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/man
  COMMAND gzip -9n -c ${CMAKE_CURRENT_SOURCE_DIR}/man/trailwatch.1 > ${man_gz}
  DEPENDS man/trailwatch.1
  COMMENT "Compressing the man page")
add_custom_target(trailwatch_man ALL DEPENDS ${man_gz})
install(FILES ${man_gz} DESTINATION share/man/man1)

# Shell completions, each where its shell looks under the prefix.
install(FILES completions/trailwatch.bash DESTINATION share/bash-completion/completions
  RENAME trailwatch)
install(FILES completions/_trailwatch DESTINATION share/zsh/vendor-completions)
install(FILES completions/trailwatch.fish DESTINATION share/fish/vendor_completions.d)

install(FILES packaging/copyright README.md DESTINATION share/doc/trailwatch)
install(DIRECTORY examples/ DESTINATION share/doc/trailwatch/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trailwatch)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "The trailwatch authors <trailwatch@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "find cryptominer-style EC2 launches in AWS CloudTrail logs")
set(CPACK_PACKAGE_DESCRIPTION
  "trailwatch streams CloudTrail JSON from files, an aws s3 sync folder or stdin, matches
Sigma-shaped rules (GPU and very large instance launches by stolen keys, launches from
hosting networks or unexpected countries), adds GeoIP country and ASN data, and prints
alerts as text or JSON Lines or posts them to Slack. Ships with its rules, watch lists,
GeoIP databases (ip-location-db: CC0 country data, CC BY 4.0 ASN data by RouteViews,
NRO and DB-IP), man page and bash, zsh and fish completions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # trailwatch_0.1.0_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES bin/trailwatch)
set(CPACK_PACKAGE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/package)
include(CPack)
