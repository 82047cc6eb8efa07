# Stage the reference vectors (tests/vectors) into the build tree.
#
# The repository keeps the four multi-megabyte files (mostly zeros) in
# large.tar.gz; everything else is stored as made. After staging, each file named
# in SHA256SUMS must have the recorded digest, otherwise configuring fails: the
# tests compare against these bytes, so a corrupt copy must not pass silently.
function(rpt_stage_vectors src dst)
	file(REMOVE_RECURSE "${dst}")
	file(COPY "${src}/" DESTINATION "${dst}"
		PATTERN "large.tar.gz" EXCLUDE
		PATTERN "SHA256SUMS" EXCLUDE)
	file(ARCHIVE_EXTRACT INPUT "${src}/large.tar.gz" DESTINATION "${dst}")
	set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
		"${src}/large.tar.gz" "${src}/SHA256SUMS")

	file(STRINGS "${src}/SHA256SUMS" lines)
	list(LENGTH lines count)
	if(count EQUAL 0)
		message(FATAL_ERROR "tests/vectors/SHA256SUMS is empty")
	endif()
	foreach(line IN LISTS lines)
		if(NOT line MATCHES "^([0-9a-f]+)  (.+)$")
			message(FATAL_ERROR "tests/vectors/SHA256SUMS: malformed line '${line}'")
		endif()
		set(want "${CMAKE_MATCH_1}")
		set(rel "${CMAKE_MATCH_2}")
		if(NOT EXISTS "${dst}/${rel}")
			message(FATAL_ERROR "reference vector ${rel} is missing from tests/vectors")
		endif()
		file(SHA256 "${dst}/${rel}" got)
		if(NOT got STREQUAL want)
			message(FATAL_ERROR "reference vector ${rel}: sha256 ${got}, expected ${want}")
		endif()
	endforeach()
	message(STATUS "Reference vectors: ${count} files staged in ${dst}, sha256 checked")
endfunction()
