# FindJdnnOneDNN
# --------------
# Finds the oneDNN that jdnn's Maven build resolves (org.bytedeco:dnnl, used only as a
# carrier of libdnnl.so.3, libgomp.so.1 and the headers), so that native code links the
# very same binary the Java library loads.
#
# Search order:
#   1. JdnnOneDNN_DIST, if set: a folder laid out like the carrier (include/, libdnnl.so.3).
#   2. <repo>/natives/target/dnnl-dist/org/bytedeco/dnnl/<platform>/, created by
#      `mvn -B -q -pl natives generate-resources` in the repository root.
#   3. The carrier jar in the local Maven repository, unpacked (headers and the two
#      libraries only) into <build>/jdnn-onednn/.
#
# Input variables (all optional):
#   JdnnOneDNN_DIST          carrier folder to use as is
#   JdnnOneDNN_REPO_ROOT     jdnn checkout (default: the parent of this module's folder)
#   JdnnOneDNN_M2_REPOSITORY local Maven repository (default: $HOME/.m2/repository)
#   JdnnOneDNN_ARTIFACT_VERSION  carrier version (default: 3.13-1.5.14)
#   JdnnOneDNN_PLATFORM      carrier classifier (default: linux-x86_64, the only one supported)
#
# Results:
#   JdnnOneDNN_FOUND, JdnnOneDNN_VERSION, JdnnOneDNN_INCLUDE_DIR, JdnnOneDNN_LIBRARY,
#   JdnnOneDNN_GOMP_LIBRARY, JdnnOneDNN_LIBRARY_DIR
#   Imported targets JdnnOneDNN::dnnl (headers + libdnnl.so.3, which brings libgomp.so.1)
#   and JdnnOneDNN::gomp (the OpenMP runtime oneDNN was built against: code using OpenMP
#   itself must link this one so that a single runtime is loaded).
#
# libdnnl.so.3 has no unversioned symlink in the carrier, so the libraries are linked by
# full path; CMake then puts their folder into the build RPATH.

include(FindPackageHandleStandardArgs)

if(NOT JdnnOneDNN_REPO_ROOT)
  get_filename_component(JdnnOneDNN_REPO_ROOT "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
endif()
if(NOT JdnnOneDNN_M2_REPOSITORY)
  set(JdnnOneDNN_M2_REPOSITORY "$ENV{HOME}/.m2/repository")
endif()
if(NOT JdnnOneDNN_ARTIFACT_VERSION)
  set(JdnnOneDNN_ARTIFACT_VERSION "3.13-1.5.14")
endif()
if(NOT JdnnOneDNN_PLATFORM)
  set(JdnnOneDNN_PLATFORM "linux-x86_64")
endif()

set(_jdnn_carrier_path "org/bytedeco/dnnl/${JdnnOneDNN_PLATFORM}")

function(_jdnn_onednn_is_dist dir out)
  if(EXISTS "${dir}/include/oneapi/dnnl/dnnl.hpp" AND EXISTS "${dir}/libdnnl.so.3")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

if(NOT JdnnOneDNN_DIST)
  set(_jdnn_maven_dist "${JdnnOneDNN_REPO_ROOT}/natives/target/dnnl-dist/${_jdnn_carrier_path}")
  set(_jdnn_local_dist "${CMAKE_BINARY_DIR}/jdnn-onednn/${_jdnn_carrier_path}")
  set(_jdnn_jar "${JdnnOneDNN_M2_REPOSITORY}/org/bytedeco/dnnl/${JdnnOneDNN_ARTIFACT_VERSION}/dnnl-${JdnnOneDNN_ARTIFACT_VERSION}-${JdnnOneDNN_PLATFORM}.jar")
  _jdnn_onednn_is_dist("${_jdnn_maven_dist}" _jdnn_have_maven_dist)
  _jdnn_onednn_is_dist("${_jdnn_local_dist}" _jdnn_have_local_dist)
  if(_jdnn_have_maven_dist)
    set(JdnnOneDNN_DIST "${_jdnn_maven_dist}")
  elseif(_jdnn_have_local_dist)
    set(JdnnOneDNN_DIST "${_jdnn_local_dist}")
  elseif(EXISTS "${_jdnn_jar}")
    message(STATUS "JdnnOneDNN: unpacking ${_jdnn_jar}")
    # Only what native code needs: the JNI glue and the Java classes stay in the jar.
    file(ARCHIVE_EXTRACT INPUT "${_jdnn_jar}" DESTINATION "${CMAKE_BINARY_DIR}/jdnn-onednn"
         PATTERNS "${_jdnn_carrier_path}/include" "${_jdnn_carrier_path}/libdnnl.so.3"
                  "${_jdnn_carrier_path}/libgomp.so.1")
    set(JdnnOneDNN_DIST "${_jdnn_local_dist}")
  else()
    set(JdnnOneDNN_DIST "JdnnOneDNN_DIST-NOTFOUND")
    message(STATUS "JdnnOneDNN: neither ${_jdnn_maven_dist} nor ${_jdnn_jar} exists; "
                   "run `mvn -B -q generate-resources` in ${JdnnOneDNN_REPO_ROOT}")
  endif()
endif()

find_path(JdnnOneDNN_INCLUDE_DIR oneapi/dnnl/dnnl.hpp
          PATHS "${JdnnOneDNN_DIST}/include" NO_DEFAULT_PATH)
find_file(JdnnOneDNN_LIBRARY libdnnl.so.3 PATHS "${JdnnOneDNN_DIST}" NO_DEFAULT_PATH)
find_file(JdnnOneDNN_GOMP_LIBRARY libgomp.so.1 PATHS "${JdnnOneDNN_DIST}" NO_DEFAULT_PATH)

if(JdnnOneDNN_INCLUDE_DIR AND EXISTS "${JdnnOneDNN_INCLUDE_DIR}/oneapi/dnnl/dnnl_version.h")
  file(STRINGS "${JdnnOneDNN_INCLUDE_DIR}/oneapi/dnnl/dnnl_version.h" _jdnn_version_lines
       REGEX "#define DNNL_VERSION_(MAJOR|MINOR|PATCH) ")
  foreach(_part MAJOR MINOR PATCH)
    string(REGEX REPLACE ".*#define DNNL_VERSION_${_part} ([0-9]+).*" "\\1"
           _jdnn_version_${_part} "${_jdnn_version_lines}")
  endforeach()
  set(JdnnOneDNN_VERSION
      "${_jdnn_version_MAJOR}.${_jdnn_version_MINOR}.${_jdnn_version_PATCH}")
endif()

find_package_handle_standard_args(JdnnOneDNN
  REQUIRED_VARS JdnnOneDNN_LIBRARY JdnnOneDNN_GOMP_LIBRARY JdnnOneDNN_INCLUDE_DIR
  VERSION_VAR JdnnOneDNN_VERSION)

if(JdnnOneDNN_FOUND)
  get_filename_component(JdnnOneDNN_LIBRARY_DIR "${JdnnOneDNN_LIBRARY}" DIRECTORY)
  mark_as_advanced(JdnnOneDNN_INCLUDE_DIR JdnnOneDNN_LIBRARY JdnnOneDNN_GOMP_LIBRARY)
  if(NOT TARGET JdnnOneDNN::gomp)
    add_library(JdnnOneDNN::gomp SHARED IMPORTED)
    set_target_properties(JdnnOneDNN::gomp PROPERTIES
      IMPORTED_LOCATION "${JdnnOneDNN_GOMP_LIBRARY}"
      IMPORTED_SONAME "libgomp.so.1")
  endif()
  if(NOT TARGET JdnnOneDNN::dnnl)
    add_library(JdnnOneDNN::dnnl SHARED IMPORTED)
    set_target_properties(JdnnOneDNN::dnnl PROPERTIES
      IMPORTED_LOCATION "${JdnnOneDNN_LIBRARY}"
      IMPORTED_SONAME "libdnnl.so.3"
      INTERFACE_INCLUDE_DIRECTORIES "${JdnnOneDNN_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES JdnnOneDNN::gomp)
  endif()
endif()
