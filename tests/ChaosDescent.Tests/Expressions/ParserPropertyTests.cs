using ChaosDescent.Expressions;
using CsCheck;

namespace ChaosDescent.Tests.Expressions;

/// <summary>
/// Whatever the input, the parser either returns a tree (which then prints and parses back to itself) or throws its
/// own <see cref="ExpressionSyntaxException"/>; no other exception escapes.
/// </summary>
public class ParserPropertyTests
{
    private static readonly VariableSet Vars = VariableSet.Standard(2);

    private static void ParseOrOwnError(string text)
    {
        Expr e;
        try
        {
            e = ExpressionParser.Parse(text, Vars);
        }
        catch (ExpressionSyntaxException ex)
        {
            Assert.InRange(ex.Position, 0, text.Length);
            Assert.Equal(3, ex.Message.Split('\n').Length); // problem, expression, caret
            return;
        }
        var printed = ExpressionPrinter.Print(e);
        Assert.Equal(e, ExpressionParser.Parse(printed, Vars));
        // Evaluation and differentiation of whatever parsed must not throw either (IEEE results are fine).
        _ = Evaluator.Evaluate(e, [0.5, -1.25]);
        _ = Differentiator.Gradient(e, 2);
    }

    private static void InferOrOwnError(string text)
    {
        try
        {
            var vars = VariableSet.Infer(text);
            _ = ExpressionParser.Parse(text, vars);
        }
        catch (ExpressionSyntaxException)
        {
        }
    }

    [Fact]
    public void Arbitrary_strings()
    {
        Gen.String.Sample(s =>
        {
            ParseOrOwnError(s);
            InferOrOwnError(s);
        }, seed: "0N0XIzNsQ0O2", iter: 5_000, threads: 1);
    }

    [Fact]
    public void Strings_from_the_expression_alphabet()
    {
        var chars = Gen.Char["0123456789.eE+-*/^(),  xyz_pisncoqrtahbgl\u2212\t"];
        chars.Array[0, 40].Select(a => new string(a)).Sample(s =>
        {
            ParseOrOwnError(s);
            InferOrOwnError(s);
        }, seed: "0N0XIzNsQ0O2", iter: 15_000, threads: 1);
    }

    [Fact]
    public void Token_soup()
    {
        var token = Gen.OneOf("x", "y", "x1", "z", "2", "1e-3", "1e400", ".5", "pi", "e", "+", "-", "*", "/", "^", "**",
            "(", ")", ",", "sin", "cos(", "log(", "sqrt(", "abs(", "sign(", "tanh(", " ", "−");
        token.Array[0, 30].Select(a => string.Concat(a)).Sample(s =>
        {
            ParseOrOwnError(s);
            InferOrOwnError(s);
        }, seed: "0N0XIzNsQ0O2", iter: 15_000, threads: 1);
    }
}
