package dev.jdnn.gen;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;

/**
 * Evaluates the initializer of a {@code static const} integer from clang's AST, such as
 * {@code static const int DNNL_RUNTIME_S32_VAL_REP = INT32_MIN;}. Clang has already made every
 * conversion explicit, so each node's value is simply converted to that node's own type.
 */
final class InitializerEvaluator {
    private final Declarations declarations;

    InitializerEvaluator(Declarations declarations) {
        this.declarations = declarations;
    }

    IntValue evaluate(JsonNode expression) throws NotConstantException {
        IntValue value = switch (expression.path("kind").asText()) {
            case "IntegerLiteral", "ConstantExpr" -> literal(expression);
            case "ParenExpr", "ImplicitCastExpr", "CStyleCastExpr" -> evaluate(expression.path("inner").path(0));
            case "UnaryOperator" -> unary(expression);
            case "BinaryOperator" -> ConstantExpression.apply(expression.path("opcode").asText(),
                    evaluate(expression.path("inner").path(0)), evaluate(expression.path("inner").path(1)));
            case "DeclRefExpr" -> reference(expression);
            default -> throw new NotConstantException("unsupported expression " + expression.path("kind").asText());
        };
        ConstantExpression.IntegerType type = declarations.integerType(expression.path("type").path("qualType").asText())
                .orElseThrow(() -> new NotConstantException("not an integer expression"));
        return value.castTo(type.width(), type.unsigned());
    }

    private IntValue literal(JsonNode expression) throws NotConstantException {
        JsonNode value = expression.path("value");
        if (value.isMissingNode()) throw new NotConstantException("literal without a value");
        return IntValue.of(new BigInteger(value.asText()).longValue(), IntValue.Type.LONG);
    }

    private IntValue unary(JsonNode expression) throws NotConstantException {
        IntValue operand = evaluate(expression.path("inner").path(0));
        return switch (expression.path("opcode").asText()) {
            case "-" -> IntValue.of(-operand.bits(), operand.type());
            case "+" -> operand;
            case "~" -> IntValue.of(~operand.bits(), operand.type());
            case "!" -> IntValue.of(operand.isZero() ? 1 : 0, IntValue.Type.INT);
            default -> throw new NotConstantException("unsupported operator " + expression.path("opcode").asText());
        };
    }

    private IntValue reference(JsonNode expression) throws NotConstantException {
        String name = expression.path("referencedDecl").path("name").asText();
        return declarations.constant(name).orElseThrow(() -> new NotConstantException("unknown constant " + name));
    }
}
