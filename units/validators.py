"""Password validators whose messages Django does not translate into Chinese."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, saying it in Chinese (its zh-hans catalogue lacks this plural message)."""

    def validate(self, password, user=None):
        if len(password) < self.min_length:
            raise ValidationError(
                f"密码太短，至少需要 {self.min_length} 个字符。",
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
