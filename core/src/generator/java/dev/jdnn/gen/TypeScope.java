package dev.jdnn.gen;

import java.util.Optional;

/** The names a C type string can refer to: typedefs, tagged (or typedef-named) records and enums. */
interface TypeScope {
    /** The spelled underlying type of a typedef, as clang prints it. */
    Optional<String> typedefTarget(String name);

    /** The integer type an enum is stored as, or empty when no enum of that name exists. */
    Optional<CType.Scalar> enumStorage(String name);
}
